// pmctl diagnose (SPEC 10.2) and the dump of a `pmctl wait` that times out:
// every section, a stopped backend shown as parked, and with --stacks each
// process's backtrace from gdb.
#include <doctest.h>

#include <signal.h>

#include <chrono>

#include "tests/integration/harness/cluster.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

bool contains(const std::string& text, std::string_view what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("023 diagnose: a wait for an event that never comes exits 1 in time and prints every diagnose section") {
  Cluster c;
  c.init();
  c.start();
  PgConn stopped = c.session();
  const int stopped_pid = stopped.server_pid();
  REQUIRE(::kill(stopped_pid, SIGSTOP) == 0);

  const auto t0 = std::chrono::steady_clock::now();
  const CmdResult never = c.pmctl({"wait", "-D", c.data_dir().string(), "promote", "--timeout", "2"});
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK_MESSAGE(never.exit_code == 1, never.describe());
  CHECK(took >= 2s);
  CHECK(took < 10s);
  CHECK(contains(never.out, "timed out after 2 s waiting for \"promote\""));
  CHECK(contains(never.out, "--- postmaster.pid: pid "));
  CHECK(contains(never.out, "status ready"));
  CHECK(contains(never.out, "--- last state event: PM_STARTUP -> PM_RUN at "));
  CHECK(contains(never.out, "--- pmctl ps"));
  CHECK(contains(never.out, "--- parked processes\n"));
  CHECK_MESSAGE(contains(never.out, std::to_string(stopped_pid) + "  client backend   stopped by a signal"), never.out);
  CHECK(contains(never.out, "--- pg_control\nstate: in production\nlatest checkpoint: "));
  CHECK(contains(never.out, "--- last 20 events"));
  CHECK(contains(never.out, "\"ev\":\"ready\""));
  CHECK(contains(never.out, "--- last 20 lines of the server log"));
  CHECK(contains(never.out, "database system is ready to accept connections"));
  CHECK_FALSE(contains(never.out, "--- stack of"));
  REQUIRE(::kill(stopped_pid, SIGCONT) == 0);
}

TEST_CASE("023 diagnose --stacks: a gdb backtrace of each process; a stopped cluster still gets its pg_control") {
  Cluster c;
  c.init();
  c.start();
  const CmdResult live = c.pmctl({"diagnose", "-D", c.data_dir().string(), "--stacks"}, 120s);
  CHECK_MESSAGE(live.exit_code == 0, live.describe());
  CHECK(contains(live.out, "--- parked processes\nnone\n"));
  const std::string pm = std::to_string(c.postmaster_pid().get());
  CHECK_MESSAGE(contains(live.out, "--- stack of " + pm + " (postmaster)"), live.out);
  CHECK_MESSAGE(contains(live.out, "(checkpointer)"), live.out);
  CHECK_MESSAGE(contains(live.out, "run_server_loop"), live.out);

  REQUIRE(c.stop("fast").exit_code == 0);
  const CmdResult stopped = c.pmctl({"diagnose", "-D", c.data_dir().string()});
  CHECK_MESSAGE(stopped.exit_code == 0, stopped.describe());
  CHECK_MESSAGE(contains(stopped.out, " -> PM_NO_CHILDREN at "), stopped.out);
  CHECK(contains(stopped.out, "no server running"));
  CHECK(contains(stopped.out, "--- pg_control\nstate: shut down\n"));
}
