// A standby built from a cold copy of a stopped primary, without streaming:
// it enters standby mode, reaches consistency, serves read-only sessions,
// refuses writes with 25006, and on promotion becomes a primary on a new
// timeline that survives an immediate stop.
#include <doctest.h>

#include <filesystem>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

TEST_CASE("012 standby from a cold copy: hot standby, read-only, promotion to timeline 2") {
  Cluster primary("primary");
  primary.init();
  primary.start();
  PgConn p = primary.session();
  for (int i = 0; i < 20; ++i) REQUIRE(p.exec("INSERT INTO kv VALUES ('r" + std::to_string(i) + "', 'v')").ok());
  p.close();
  REQUIRE(primary.stop("fast").exit_code == 0);

  Cluster standby("standby");
  standby.init();
  copy_cluster_files(standby, primary, true);
  standby.start();
  standby.wait_for_log("entering standby mode", 10s);
  standby.wait_for_log("database system is ready to accept read-only connections", 10s);

  PgConn s = standby.session();
  CHECK(s.exec("SELECT pg_is_in_recovery()").get() == "t");
  CHECK(s.exec("SELECT count(*) FROM kv").get() == "20");
  const QueryResult w = s.exec("INSERT INTO kv VALUES ('x', 'y')");
  CHECK_FALSE(w.ok());
  CHECK_MESSAGE(w.sqlstate == "25006", w.describe());
  CHECK(contains(w.message, "cannot execute INSERT in a read-only transaction"));
  CHECK(s.exec("SELECT pg_current_wal_lsn()").sqlstate == "55000");
  CHECK(contains(standby.pmctl({"controldata", "-D", standby.data_dir().string()}).out, "in archive recovery"));

  const CmdResult pr = standby.pmctl({"promote", "-D", standby.data_dir().string(), "-w"});
  REQUIRE_MESSAGE(pr.exit_code == 0, pr.describe() << "\n" << standby.log());
  standby.wait_for_log("selected new timeline ID: 2", 10s);
  standby.wait_for_log("database system is ready to accept connections", 10s);
  CHECK_FALSE(std::filesystem::exists(standby.data_dir() / "standby.signal"));
  CHECK(std::filesystem::exists(standby.data_dir() / "pg_wal" / "00000002.history"));
  PgConn s2 = standby.session();
  CHECK(s2.exec("SELECT pg_is_in_recovery()").get() == "f");
  REQUIRE(s2.exec("INSERT INTO kv VALUES ('after', 'promotion')").ok());
  s2.close();

  REQUIRE(standby.stop("immediate").exit_code == 0);
  standby.start();
  CHECK(trim(standby.psql("SELECT count(*) FROM kv").out) == "21");
  const std::string cd = standby.pmctl({"controldata", "-D", standby.data_dir().string()}).out;
  CHECK_MESSAGE(contains(cd, "Latest checkpoint's TimeLineID:       2"), cd);
}

TEST_CASE("012 standby from a cold copy: a clean stop leaves it shut down in recovery") {
  Cluster primary("primary");
  primary.init();
  primary.start();
  REQUIRE(primary.stop("fast").exit_code == 0);
  Cluster standby("standby");
  standby.init();
  copy_cluster_files(standby, primary, true);
  standby.start();
  standby.wait_for_log("database system is ready to accept read-only connections", 10s);
  REQUIRE(standby.stop("fast").exit_code == 0);
  CHECK(contains(standby.pmctl({"controldata", "-D", standby.data_dir().string()}).out, "shut down in recovery"));
  standby.start();
  standby.wait_for_log("database system was shut down in recovery", 10s);
}
