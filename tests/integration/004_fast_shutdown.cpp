// Fast shutdown (SIGINT): sessions are ended with 57P01 "terminating
// connection due to administrator command", the checkpointer writes the
// shutdown checkpoint, and the postmaster walks PostgreSQL's states to the end.
#include <doctest.h>

#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

TEST_CASE("004 fast shutdown ends sessions with 57P01 and writes a shutdown checkpoint") {
  Cluster c;
  c.init();
  c.start();
  PgConn idle = c.session();
  for (int i = 0; i < 50; ++i) {
    REQUIRE(idle.exec("INSERT INTO kv VALUES ('f" + std::to_string(i) + "', 'v" + std::to_string(i) + "')").ok());
  }
  const size_t log_before = c.log_size();

  const CmdResult stop = c.stop("fast");
  REQUIRE_MESSAGE(stop.exit_code == 0, stop.describe() << "\n--- log:\n" << c.log());
  CHECK_FALSE(std::filesystem::exists(c.data_dir() / "postmaster.pid"));

  // The idle session was told why before the socket closed.
  const QueryResult after = idle.exec("SELECT 1");
  CHECK_FALSE(after.ok());
  CHECK_MESSAGE((after.sqlstate == "57P01" || idle.told("57P01")), after.describe());
  CHECK_MESSAGE(idle.told("terminating connection due to administrator command"), after.describe());

  const std::string log = c.log().substr(log_before);
  CHECK(contains(log, "received fast shutdown request"));
  CHECK(contains(log, "shutting down"));
  CHECK_MESSAGE(std::regex_search(log, std::regex(R"(checkpoint complete: .*lsn=[0-9A-F]+/[0-9A-F]+)")), log);
  CHECK(contains(log, "database system is shut down"));
  // PostgreSQL 15's path through its states, in order.
  size_t pos = 0;
  for (const std::string step : {"PM_RUN -> PM_STOP_BACKENDS", "PM_STOP_BACKENDS -> PM_WAIT_BACKENDS",
                           "PM_WAIT_BACKENDS -> PM_SHUTDOWN", "PM_SHUTDOWN -> PM_SHUTDOWN_2",
                           "PM_SHUTDOWN_2 -> PM_WAIT_DEAD_END", "PM_WAIT_DEAD_END -> PM_NO_CHILDREN"}) {
    const size_t at = log.find("postmaster state: " + step, pos);
    CHECK_MESSAGE(at != std::string::npos, "missing or out of order: postmaster state: " << step << "\n" << log);
    if (at != std::string::npos) pos = at;
  }

  const CmdResult cd = c.pmctl({"controldata", "-D", c.data_dir().string()});
  CHECK_MESSAGE(std::regex_search(cd.out, std::regex(R"(Database cluster state:\s+shut down\n)")), cd.describe());

  c.start();
  CHECK(trim(c.psql("SELECT count(*) FROM kv").out) == "50");
  CHECK(trim(c.psql("SELECT v FROM kv WHERE k = 'f49'").out) == "v49");
}
