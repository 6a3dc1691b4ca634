// kill -9 of a backend, of the checkpointer and of the startup process:
// the postmaster logs the death, terminates everyone, reinitialises, and
// the committed rows survive the crash recovery.
#include <doctest.h>

#include <signal.h>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

namespace {

void insert_rows(Cluster& c, int from, int to) {
  PgConn s = c.session();
  for (int i = from; i < to; ++i) {
    const QueryResult r = s.exec("INSERT INTO kv VALUES ('r" + std::to_string(i) + "', 'v')");
    REQUIRE_MESSAGE(r.ok(), r.describe());
  }
}

// The log lines of one crash restart caused by SIGKILL of `victim`, then a
// server that is ready again (`ready_count` "ready" lines in all).
void expect_crash_restart(Cluster& c, pmemu::Pid victim, size_t ready_count) {
  c.wait_for_log_regex(R"(process \(PID )" + std::to_string(victim.get()) +
                           R"(\) was terminated by signal 9: Killed)",
                       10s);
  c.wait_for_log("all server processes terminated; reinitializing", 10s);
  c.wait_for_log_count("database system is ready to accept connections", ready_count, 30s);
  wait_for("a new session to be accepted", 10s, [&](std::string& seen) {
    const CmdResult r = c.psql("SELECT 1");
    seen = r.describe();
    return r.exit_code == 0;
  });
}

}  // namespace

TEST_CASE("006 crash restart: kill -9 of a backend") {
  Cluster c;
  c.init();
  c.start();
  insert_rows(c, 0, 100);
  const pmemu::Pid pm = c.postmaster_pid();
  PgConn victim_session = c.session();
  PgConn bystander = c.session();
  const pmemu::Pid victim(victim_session.server_pid());
  const auto old_checkpointer = c.pids_by_title("checkpointer");
  REQUIRE(old_checkpointer.size() == 1);

  REQUIRE(::kill(victim.get(), SIGKILL) == 0);
  expect_crash_restart(c, victim, 2);

  CHECK(c.postmaster_pid() == pm);  // the postmaster itself stays
  CHECK(is_alive(pm));
  const auto new_checkpointer = c.pids_by_title("checkpointer");
  CHECK(new_checkpointer.size() == 1);
  CHECK(new_checkpointer != old_checkpointer);
  // The other session was ended too, told why.
  const QueryResult r = bystander.exec("SELECT 1");
  CHECK_FALSE(r.ok());
  CHECK_MESSAGE((r.sqlstate == "57P02" || bystander.told("57P02")), r.describe());
  CHECK(trim(c.psql("SELECT count(*) FROM kv").out) == "100");
  insert_rows(c, 100, 110);
  CHECK(trim(c.psql("SELECT count(*) FROM kv").out) == "110");
}

TEST_CASE("006 crash restart: kill -9 of the checkpointer") {
  Cluster c;
  c.init();
  c.start();
  insert_rows(c, 0, 100);
  const auto checkpointer = c.pids_by_title("checkpointer");
  REQUIRE_MESSAGE(checkpointer.size() == 1, "titles of children: " << [&] {
    std::string t;
    for (auto p : c.child_pids()) t += "[" + process_title(p) + "] ";
    return t;
  }());

  REQUIRE(::kill(checkpointer[0].get(), SIGKILL) == 0);
  expect_crash_restart(c, checkpointer[0], 2);

  CHECK(trim(c.psql("SELECT count(*) FROM kv").out) == "100");
  CHECK(trim(c.psql("CHECKPOINT").out) == "CHECKPOINT");
}

TEST_CASE("006 crash restart: kill -9 of the startup process during recovery") {
  Cluster c;
  // The startup process sleeps this long before replay, so it can be caught.
  c.init({"pmemu_startup_delay_for_test=3000"});
  c.start();
  insert_rows(c, 0, 100);
  REQUIRE(c.stop("immediate").exit_code == 0);

  const CmdResult start = c.try_start({"-W"});
  REQUIRE_MESSAGE(start.exit_code == 0, start.describe());
  std::vector<pmemu::Pid> startup;
  wait_for("a startup process", 10s, [&](std::string& seen) {
    startup = c.pids_by_title("startup");
    seen = std::to_string(startup.size()) + " processes titled startup";
    return startup.size() == 1;
  });
  REQUIRE(::kill(startup[0].get(), SIGKILL) == 0);
  expect_crash_restart(c, startup[0], 2);

  CHECK(trim(c.psql("SELECT count(*) FROM kv").out) == "100");
}
