// Fault points (SPEC 10.3): armed by pmctl fault and by the fault_points
// setting, a `wait` that holds a shutdown at an exact step (in the
// checkpointer, and in the postmaster itself), a panic after a commit, nth
// and times seen through pg_fault_points, the FaultPoint:NAME wait event,
// and pmctl's refusal of an unknown point. Every step waits on events.
#include <doctest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

std::string next_line(const Cluster& c) {
  const std::string text = read_text(c.data_dir() / "events.jsonl");
  return std::to_string(std::count(text.begin(), text.end(), '\n') + 1);
}

CmdResult wait_event(Cluster& c, std::vector<std::string> pattern, const std::string& since) {
  std::vector<std::string> args{"wait", "-D", c.data_dir().string()};
  args.insert(args.end(), pattern.begin(), pattern.end());
  args.insert(args.end(), {"--since", since, "--timeout", "30"});
  return c.pmctl(args);
}

CmdResult expect(Cluster& c, std::vector<std::string> assertions, const std::string& since) {
  std::vector<std::string> args{"expect", "-D", c.data_dir().string(), "--since", since};
  args.insert(args.end(), assertions.begin(), assertions.end());
  return c.pmctl(args);
}

CmdResult fault(Cluster& c, std::vector<std::string> args) {
  args.insert(args.begin(), {"fault", "-D", c.data_dir().string()});
  return c.pmctl(args);
}


// The pg_fault_points row of `name`: name, process, action, armed, hits, fired.
std::vector<std::string> point_row(PgConn& s, const std::string& name) {
  const QueryResult r = s.exec("SELECT * FROM pg_fault_points");
  REQUIRE_MESSAGE(r.ok(), r.describe());
  for (const auto& row : r.rows)
    if (!row.empty() && row[0] == name) return row;
  FAIL("no pg_fault_points row for " << name);
  return {};
}

bool alive(int pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const auto paren = stat.rfind(')');
  return !stat.empty() && paren != std::string::npos && stat.substr(paren + 2, 1) != "Z";
}

}  // namespace

TEST_CASE("023 fault points: a wait in the checkpointer holds a fast stop in PM_SHUTDOWN until wakeup") {
  Cluster c;
  c.init();
  c.start();
  const std::string since = next_line(c);
  const CmdResult armed = fault(c, {"arm", "checkpointer.before_shutdown_checkpoint", "wait"});
  REQUIRE_MESSAGE(armed.exit_code == 0, armed.describe());
  REQUIRE(c.stop("fast", false).exit_code == 0);

  const CmdResult hit =
      wait_event(c, {"fault_hit", "point=checkpointer.before_shutdown_checkpoint", "action=wait", "hits=1"}, since);
  REQUIRE_MESSAGE(hit.exit_code == 0, hit.describe());
  CHECK(contains(hit.out, "\"ptype\":\"checkpointer\""));
  const CmdResult held = expect(c, {"state to=PM_SHUTDOWN before fault_hit", "count state from=PM_SHUTDOWN = 0",
                                    "count checkpoint_start kind=shutdown = 0", "count postmaster_exit = 0"},
                                since);
  CHECK_MESSAGE(held.exit_code == 0, held.describe());
  CHECK(alive(c.postmaster_pid().get()));
  const CmdResult ps = c.pmctl({"ps", "-D", c.data_dir().string()});
  CHECK_MESSAGE(contains(ps.out, "FaultPoint:checkpointer.before_shutdown_checkpoint"), ps.describe());
  const CmdResult list = fault(c, {"list"});
  CHECK_MESSAGE(contains(list.out, "checkpointer.before_shutdown_checkpoint"), list.describe());

  REQUIRE(fault(c, {"wakeup", "checkpointer.before_shutdown_checkpoint"}).exit_code == 0);
  const CmdResult done = wait_event(c, {"postmaster_exit", "code=0"}, since);
  CHECK_MESSAGE(done.exit_code == 0, done.describe());
  const CmdResult order = expect(c, {"fault_hit before checkpoint_done kind=shutdown"}, since);
  CHECK_MESSAGE(order.exit_code == 0, order.describe());
}

TEST_CASE("023 fault points: a wait before PM_SHUTDOWN parks the postmaster's own loop") {
  Cluster c;
  c.init();
  c.start();
  const std::string since = next_line(c);
  REQUIRE(fault(c, {"arm", "postmaster.before_state.PM_SHUTDOWN", "wait"}).exit_code == 0);
  REQUIRE(c.stop("fast", false).exit_code == 0);
  const CmdResult hit = wait_event(c, {"fault_hit", "point=postmaster.before_state.PM_SHUTDOWN", "ptype=postmaster"}, since);
  REQUIRE_MESSAGE(hit.exit_code == 0, hit.describe());
  // Parked before it wrote the state change or asked for the shutdown checkpoint.
  const CmdResult parked = expect(c, {"count state to=PM_SHUTDOWN = 0", "count checkpoint_start = 0",
                                      "count postmaster_exit = 0"}, since);
  CHECK_MESSAGE(parked.exit_code == 0, parked.describe());
  const CmdResult ps = c.pmctl({"ps", "-D", c.data_dir().string()});
  CHECK_MESSAGE(contains(ps.out, "FaultPoint:postmaster.before_state.PM_SHUTDOWN"), ps.describe());

  REQUIRE(fault(c, {"wakeup", "postmaster.before_state.PM_SHUTDOWN"}).exit_code == 0);
  const CmdResult done = wait_event(c, {"postmaster_exit", "code=0"}, since);
  CHECK_MESSAGE(done.exit_code == 0, done.describe());
  const CmdResult order = expect(c, {"fault_hit before state to=PM_SHUTDOWN",
                                     "state to=PM_SHUTDOWN before checkpoint_done kind=shutdown"}, since);
  CHECK_MESSAGE(order.exit_code == 0, order.describe());
}

TEST_CASE("023 fault points: a panic after a commit restarts the server and the committed row survives") {
  Cluster c;
  c.init();
  c.start();
  PgConn s = c.session();
  REQUIRE(fault(c, {"arm", "backend.before_commit_reply", "panic"}).exit_code == 0);
  const std::string since = next_line(c);
  const QueryResult lost = s.exec("INSERT INTO kv VALUES ('kept', 'yes')");
  CHECK_FALSE(lost.ok());
  const CmdResult hit = wait_event(c, {"fault_hit", "point=backend.before_commit_reply", "action=panic"}, since);
  CHECK_MESSAGE(hit.exit_code == 0, hit.describe());
  const CmdResult crash = wait_event(c, {"exit", "child_type=client backend", "signal=SIGABRT", "crash=true"}, since);
  CHECK_MESSAGE(crash.exit_code == 0, crash.describe());
  REQUIRE(wait_event(c, {"reinit"}, since).exit_code == 0);
  REQUIRE(wait_event(c, {"ready"}, since).exit_code == 0);
  // A new segment: the pmctl arming is gone, the row is not.
  PgConn after = c.session();
  CHECK(point_row(after, "backend.before_commit_reply")[3] == "f");
  const QueryResult row = after.exec("SELECT v FROM kv WHERE k = 'kept'");
  CHECK_MESSAGE(row.get() == "yes", row.describe());
}

TEST_CASE("023 fault points: nth and times, counted in pg_fault_points") {
  Cluster c;
  c.init();
  c.start();
  PgConn s = c.session();
  REQUIRE(fault(c, {"arm", "backend.before_commit_reply", "error", "--nth", "2"}).exit_code == 0);
  std::vector<bool> ok;
  for (int i = 0; i < 4; ++i) ok.push_back(s.exec("INSERT INTO kv VALUES ('n" + std::to_string(i) + "', 'v')").ok());
  CHECK(ok == std::vector<bool>{true, false, true, true});
  auto row = point_row(s, "backend.before_commit_reply");
  CHECK(row[1] == "client backend");
  CHECK(row[2] == "error");
  CHECK(row[3] == "t");
  CHECK(row[4] == "4");
  CHECK(row[5] == "1");

  REQUIRE(fault(c, {"arm", "backend.before_commit_reply", "error", "--times", "2"}).exit_code == 0);
  ok.clear();
  for (int i = 0; i < 4; ++i) ok.push_back(s.exec("UPDATE kv SET v = 'w' WHERE k = 'n0'").ok());
  CHECK(ok == std::vector<bool>{false, false, true, true});
  row = point_row(s, "backend.before_commit_reply");
  CHECK(row[4] == "4");
  CHECK(row[5] == "2");

  REQUIRE(fault(c, {"clear"}).exit_code == 0);
  CHECK(point_row(s, "backend.before_commit_reply")[3] == "f");
  CHECK(s.exec("UPDATE kv SET v = 'x' WHERE k = 'n0'").ok());
}

TEST_CASE("023 fault points: the fault_points setting arms at start and again after a crash restart") {
  Cluster c;
  c.init({"fault_points=backend.before_commit_reply:error:times=1, startup.before_promote:exit=3:nth=5"});
  const CmdResult bad = c.try_start({"-o", "-c fault_points=no.such_point:wait"});
  CHECK(bad.exit_code != 0);
  CHECK_MESSAGE(contains(c.log(), "unknown fault point \"no.such_point\""), c.log());
  c.start();
  PgConn s = c.session();
  CHECK_FALSE(s.exec("INSERT INTO kv VALUES ('a', '1')").ok());
  CHECK(s.exec("INSERT INTO kv VALUES ('b', '1')").ok());
  CHECK(point_row(s, "startup.before_promote")[2] == "exit=3");

  const std::string since = next_line(c);
  REQUIRE(::kill(s.server_pid(), SIGKILL) == 0);
  REQUIRE(wait_event(c, {"reinit"}, since).exit_code == 0);
  REQUIRE(wait_event(c, {"ready"}, since).exit_code == 0);
  PgConn again = c.session();
  auto row = point_row(again, "backend.before_commit_reply");
  CHECK(row[3] == "t");
  CHECK(row[5] == "0");
  CHECK_FALSE(again.exec("INSERT INTO kv VALUES ('c', '1')").ok());
  CHECK(again.exec("INSERT INTO kv VALUES ('d', '1')").ok());
  const CmdResult fired = expect(c, {"count fault_hit point=backend.before_commit_reply = 1"}, since);
  CHECK_MESSAGE(fired.exit_code == 0, fired.describe());

  // A reload that names other points: the old ones are disarmed, the new armed.
  const std::string before_reload = next_line(c);
  c.append_conf("fault_points = 'walsender.before_send:sleep=5'");
  REQUIRE(c.pmctl({"reload", "-D", c.data_dir().string()}).exit_code == 0);
  REQUIRE(wait_event(c, {"config_reloaded", "ptype=postmaster"}, before_reload).exit_code == 0);
  CHECK(point_row(again, "backend.before_commit_reply")[3] == "f");
  CHECK(point_row(again, "walsender.before_send")[2] == "sleep=5");
}

TEST_CASE("023 fault points: a parked backend shows FaultPoint:NAME in pg_stat_activity; bad arming exits 2") {
  Cluster c;
  c.init();
  c.start();
  REQUIRE(fault(c, {"arm", "backend.before_commit_reply", "wait", "--times", "1"}).exit_code == 0);
  const std::string since = next_line(c);
  PgConn writer = c.session();
  const int writer_pid = writer.server_pid();
  QueryResult written;
  std::thread t([&] { written = writer.exec("INSERT INTO kv VALUES ('parked', '1')"); });
  const CmdResult hit = wait_event(c, {"fault_hit", "point=backend.before_commit_reply", "action=wait"}, since);
  CHECK_MESSAGE(hit.exit_code == 0, hit.describe());
  PgConn watcher = c.session();
  const QueryResult act = watcher.exec("SELECT * FROM pg_stat_activity");
  REQUIRE(act.ok());
  bool seen = false;
  for (const auto& row : act.rows)
    if (row.size() >= 6 && row[0] == std::to_string(writer_pid))
      seen = row[5] == "FaultPoint:backend.before_commit_reply";
  CHECK_MESSAGE(seen, act.describe());
  REQUIRE(fault(c, {"wakeup", "backend.before_commit_reply"}).exit_code == 0);
  t.join();
  CHECK_MESSAGE(written.ok(), written.describe());

  const CmdResult unknown = fault(c, {"arm", "no.such_point", "wait"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown fault point \"no.such_point\""));
  const CmdResult bad_action = fault(c, {"arm", "startup.mid_redo", "explode"});
  CHECK(bad_action.exit_code == 2);
  CHECK(contains(bad_action.err, "invalid fault action \"explode\""));
}
