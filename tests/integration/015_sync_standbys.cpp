// Synchronous replication from the outside: unmodified pg_receivewal
// --synchronous acts as the synchronous standby; a cancelled wait answers
// PostgreSQL's WARNING and the row stays committed locally; and no row
// acknowledged to a client is missing on a promoted synchronous standby.
#include <doctest.h>

#include <libpq-fe.h>
#include <signal.h>

#include <future>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"
#include "tests/integration/receivewal_support.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

void set_sync_names(Cluster& c, const std::string& names) {
  c.append_conf("synchronous_standby_names = '" + names + "'");
  REQUIRE(c.pmctl({"reload", "-D", c.data_dir().string()}).exit_code == 0);
  wait_for("the reload to take effect", 10s, [&](std::string& seen) {
    seen = trim(c.psql("SHOW synchronous_standby_names").out);
    return seen == names;
  });
}

void wait_sync_state(Cluster& c, const std::string& app, const std::string& state) {
  wait_for(app + " to be " + state + " in pg_stat_replication", 20s, [&](std::string& seen) {
    seen.clear();
    for (auto& r : replication_rows(c)) {
      seen += r[1] + ":" + r[8] + " ";
      if (r[1] == app && r[8] == state) return true;
    }
    return false;
  });
}

}  // namespace

TEST_CASE("015 pg_receivewal --synchronous is a synchronous standby") {
  Cluster c;
  c.init();
  c.start();
  set_sync_names(c, "pg_receivewal");
  PgConn p = c.session();
  {
    ReceiveWal rw(c, c.base_dir() / "rw", {"--synchronous"}, c.base_dir() / "rw.log");
    wait_sync_state(c, "pg_receivewal", "sync");
    CHECK(p.exec("INSERT INTO kv VALUES ('a', '1')").ok());  // confirmed by pg_receivewal's flush
  }  // pg_receivewal is killed here
  wait_for("pg_receivewal's walsender to go", 20s, [&](std::string& seen) {
    seen = std::to_string(replication_rows(c).size());
    return replication_rows(c).empty();
  });
  auto pending = std::async(std::launch::async, [&] { return p.exec("INSERT INTO kv VALUES ('b', '2')"); });
  CHECK(pending.wait_for(1500ms) == std::future_status::timeout);  // nobody to confirm it
  ReceiveWal again(c, c.base_dir() / "rw", {"--synchronous"}, c.base_dir() / "rw2.log");
  REQUIRE(pending.wait_for(30s) == std::future_status::ready);
  CHECK(pending.get().ok());
}

TEST_CASE("015 cancelling a synchronous wait warns that the row committed locally") {
  Cluster c;
  c.init();
  c.start();
  set_sync_names(c, "nobody_connected");
  PGconn* conn = PQconnectdb(c.conninfo().c_str());
  REQUIRE(PQstatus(conn) == CONNECTION_OK);
  std::string warning;
  PQsetNoticeReceiver(
      conn, [](void* arg, const PGresult* r) { *static_cast<std::string*>(arg) += PQresultErrorMessage(r); },
      &warning);
  REQUIRE(PQsendQuery(conn, "INSERT INTO kv VALUES ('w', 'x')") == 1);
  wait_for("the commit to wait for a synchronous standby", 10s, [&](std::string& seen) {
    seen = c.psql("SELECT * FROM pg_stat_activity").out;
    return contains(seen, "|active|") && contains(seen, "INSERT INTO kv VALUES ('w', 'x')");
  });
  send_cancel(conn);
  PGresult* r = PQgetResult(conn);
  REQUIRE(r != nullptr);
  CHECK(PQresultStatus(r) == PGRES_COMMAND_OK);  // the INSERT itself succeeded
  PQclear(r);
  while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
  PQfinish(conn);
  CHECK_MESSAGE(contains(warning, "canceling wait for synchronous replication due to user request"), warning);
  CHECK_MESSAGE(contains(warning, "already committed locally"), warning);
  CHECK(trim(c.psql("SELECT v FROM kv WHERE k = 'w'").out) == "x");
}

TEST_CASE("015 no acknowledged row is missing on a promoted synchronous standby") {
  Cluster primary("primary");
  primary.init({"wal_keep_size=64MB"});
  primary.start();
  Cluster s1("s1");
  (void)make_streaming_standby(primary, s1, "s1");
  s1.start();
  set_sync_names(primary, "s1");
  wait_sync_state(primary, "s1", "sync");

  PgConn p = primary.session();
  int acknowledged = 0;
  for (int i = 0; i < 200; ++i)
    if (p.exec("INSERT INTO kv VALUES ('k" + std::to_string(i) + "', 'v')").ok()) ++acknowledged;
  REQUIRE(acknowledged == 200);
  primary.kill9_postmaster();  // no shutdown checkpoint, no goodbye
  const CmdResult pr = s1.pmctl({"promote", "-D", s1.data_dir().string(), "-w"});
  REQUIRE_MESSAGE(pr.exit_code == 0, pr.describe() << "\n" << s1.log());
  CHECK(trim(s1.psql("SELECT count(*) FROM kv").out) == "200");
}
