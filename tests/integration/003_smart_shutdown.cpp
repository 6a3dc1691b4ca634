// Smart shutdown (SIGTERM): the open session keeps being served, a new
// connection is refused with 57P03 "the database system is shutting down",
// and the postmaster exits only after the last session has gone.
#include <doctest.h>

#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

TEST_CASE("003 smart shutdown waits for an open session and refuses new ones with 57P03") {
  Cluster c;
  c.init();
  c.start();
  PgConn open = c.session();
  REQUIRE(open.exec("INSERT INTO kv VALUES ('before', 'smart')").ok());
  const pmemu::Pid pm = c.postmaster_pid();

  const CmdResult stop = c.stop("smart", /*wait=*/false);
  REQUIRE_MESSAGE(stop.exit_code == 0, stop.describe());
  c.wait_for_log("received smart shutdown request", 10s);

  // New connections, over TCP and the Unix socket, are refused.
  PgConn refused = c.connect();
  CHECK_FALSE(refused.connected());
  CHECK_MESSAGE(refused.connect_sqlstate() == "57P03", refused.connect_error());
  CHECK_MESSAGE(contains(refused.connect_error(), "the database system is shutting down"), refused.connect_error());
  const CmdResult via_psql = c.psql("SELECT 1", Via::UnixSocket);
  CHECK_MESSAGE(via_psql.exit_code == 2, via_psql.describe());
  CHECK_MESSAGE(contains(via_psql.err, "the database system is shutting down"), via_psql.describe());

  // The open session is still served, and the postmaster is still there.
  const QueryResult still = open.exec("SELECT v FROM kv WHERE k = 'before'");
  CHECK_MESSAGE(still.ok(), still.describe());
  CHECK(still.get() == "smart");
  CHECK(open.exec("INSERT INTO kv VALUES ('during', 'smart')").ok());
  CHECK(is_alive(pm));
  CHECK(c.count_in_log("database system is shut down") == 0);
  CHECK(c.pids_by_title("checkpointer").size() == 1);

  // Once it closes, the server shuts down cleanly.
  open.close();
  c.wait_postmaster_gone(15s);
  CHECK(c.count_in_log("database system is shut down") == 1);
  CHECK_FALSE(std::filesystem::exists(c.data_dir() / "postmaster.pid"));
  const CmdResult cd = c.pmctl({"controldata", "-D", c.data_dir().string()});
  CHECK_MESSAGE(std::regex_search(cd.out, std::regex(R"(Database cluster state:\s+shut down\n)")), cd.describe());

  c.start();
  CHECK(trim(c.psql("SELECT count(*) FROM kv").out) == "2");
}
