// The event stream (SPEC 10.1) seen through pmctl wait and expect (10.2):
// a backend's kill -9 and the crash restart it causes, a fast stop, a wait
// that times out with its diagnosis, and a primary's stop with a standby
// attached (the walsender stops before the shutdown checkpoint and exits
// after it).
#include <doctest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

// The line after the last one of events.jsonl now: where a wait for what
// happens next starts.
std::string next_line(const Cluster& c) {
  const std::string text = read_text(c.data_dir() / "events.jsonl");
  return std::to_string(std::count(text.begin(), text.end(), '\n') + 1);
}

CmdResult wait_event(Cluster& c, std::vector<std::string> pattern, const std::string& since,
                     const std::string& timeout = "30") {
  std::vector<std::string> args{"wait", "-D", c.data_dir().string()};
  args.insert(args.end(), pattern.begin(), pattern.end());
  args.insert(args.end(), {"--since", since, "--timeout", timeout});
  return c.pmctl(args);
}

CmdResult expect(Cluster& c, std::vector<std::string> assertions, const std::string& since = "1") {
  std::vector<std::string> args{"expect", "-D", c.data_dir().string(), "--since", since};
  args.insert(args.end(), assertions.begin(), assertions.end());
  return c.pmctl(args);
}

bool contains(const std::string& text, std::string_view what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("022 events: kill -9 of a backend, the crash restart and a fast stop, through pmctl wait and expect") {
  Cluster c;
  c.init();
  c.start();
  PgConn victim = c.session();
  const int victim_pid = victim.server_pid();
  const std::string since = next_line(c);
  REQUIRE(::kill(victim_pid, SIGKILL) == 0);

  // Both spellings of a value with a space: quoted inside the word, and one word.
  const CmdResult exited = wait_event(c, {"exit", "child_type='client backend'", "crash=true"}, since);
  REQUIRE_MESSAGE(exited.exit_code == 0, exited.describe());
  CHECK(contains(exited.out, "\"child_pid\":" + std::to_string(victim_pid) + ","));
  CHECK(contains(exited.out, "\"signal\":\"SIGKILL\""));
  const CmdResult same = wait_event(c, {"exit", "child_type=client backend", "crash=true"}, since);
  CHECK_MESSAGE(same.out == exited.out, same.describe());

  const CmdResult reinit = wait_event(c, {"reinit"}, since);
  REQUIRE_MESSAGE(reinit.exit_code == 0, reinit.describe());
  CHECK(contains(reinit.out, "\"gen\":1,"));
  const CmdResult ready = wait_event(c, {"ready", "read_only=false"}, since);
  REQUIRE_MESSAGE(ready.exit_code == 0, ready.describe());
  CHECK(contains(ready.out, "\"gen\":1,"));

  // A wait for what never comes: exit 1 within its timeout, with the diagnosis.
  const auto t0 = std::chrono::steady_clock::now();
  const CmdResult never = wait_event(c, {"promote"}, "1", "1");
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK_MESSAGE(never.exit_code == 1, never.describe());
  CHECK(took < 10s);
  CHECK(contains(never.out, "timed out after 1 s waiting for \"promote\""));
  CHECK(contains(never.out, "status ready"));
  CHECK(contains(never.out, "--- pmctl ps"));
  CHECK(contains(never.out, "checkpointer"));
  CHECK(contains(never.out, "\"ev\":\"ready\""));
  CHECK(contains(never.out, "database system is ready to accept connections"));

  REQUIRE(c.stop("fast").exit_code == 0);
  const CmdResult ok = expect(c, {"checkpoint_done kind=shutdown before postmaster_exit", "count reinit = 1",
                                  "exit crash=true before reinit", "count postmaster_start = 1",
                                  "no fork after shutdown_request mode=fast",
                                  "state from=PM_SHUTDOWN to=PM_SHUTDOWN_2 before postmaster_exit code=0"});
  CHECK_MESSAGE(ok.exit_code == 0, ok.describe());
  // A false assertion fails with its counter-example.
  const CmdResult bad = expect(c, {"count reinit = 1", "postmaster_exit before reinit"});
  CHECK(bad.exit_code == 1);
  CHECK_MESSAGE(contains(bad.out, "\"ev\":\"reinit\""), bad.describe());
}

TEST_CASE("022 events: a primary's fast stop with a standby: the walsender stops, then the checkpoint, then its exit") {
  Cluster primary("primary"), standby("standby");
  primary.init();
  primary.start();
  (void)make_streaming_standby(primary, standby, "standby");
  standby.start();
  const CmdResult streaming = wait_event(primary, {"walsender_state", "state=streaming", "app=standby"}, "1");
  REQUIRE_MESSAGE(streaming.exit_code == 0, streaming.describe());
  const CmdResult receiving = wait_event(standby, {"walreceiver_state", "status=streaming"}, "1");
  REQUIRE_MESSAGE(receiving.exit_code == 0, receiving.describe());
  const CmdResult hot = wait_event(standby, {"ready", "read_only=true"}, "1");
  CHECK_MESSAGE(hot.exit_code == 0, hot.describe());

  // From the streaming walsender's line on: pg_basebackup's walsender came and went before.
  const std::string streaming_line = streaming.out.substr(0, streaming.out.find(' '));
  REQUIRE(primary.stop("fast").exit_code == 0);
  const CmdResult ok = expect(primary, {"walsender_state state=stopping before checkpoint_done kind=shutdown",
                                        "checkpoint_done kind=shutdown before exit child_type=walsender",
                                        "count exit child_type=walsender = 1", "count exit crash=true = 0",
                                        "signal to_type=walsender sig=SIGUSR2 why='last cycle' before postmaster_exit"},
                              streaming_line);
  CHECK_MESSAGE(ok.exit_code == 0, ok.describe());
  (void)standby.stop("fast");
}

TEST_CASE("022 events: a reload reaches every process kind: each writes config_reloaded and takes the new log level") {
  Cluster primary("primary"), standby("standby");
  primary.init();
  primary.start();
  (void)make_streaming_standby(primary, standby, "standby");
  standby.start();
  REQUIRE(wait_event(primary, {"walsender_state", "state=streaming", "app=standby"}, "1").exit_code == 0);
  REQUIRE(wait_event(standby, {"walreceiver_state", "status=streaming"}, "1").exit_code == 0);
  PgConn session = primary.session();

  // Before: a failing statement is logged at the default level.
  const auto errors_in_log = [&] {
    const std::string log = primary.log();
    size_t n = 0;
    for (size_t at = log.find("ERROR:"); at != std::string::npos; at = log.find("ERROR:", at + 1)) ++n;
    return n;
  };
  CHECK_FALSE(session.exec("SELECT * FROM no_such_relation").ok());
  wait_for("the ERROR in the log", 10s, [&](std::string& seen) {
    seen = std::to_string(errors_in_log()) + " ERROR lines";
    return errors_in_log() == 1;
  });

  for (Cluster* c : {&primary, &standby}) {
    const std::string since = next_line(*c);
    c->append_conf("log_min_messages = fatal");
    const CmdResult reload = c->pmctl({"reload", "-D", c->data_dir().string()});
    REQUIRE_MESSAGE(reload.exit_code == 0, reload.describe());
    const std::vector<std::string> kinds =
        c == &primary ? std::vector<std::string>{"postmaster", "checkpointer", "client backend", "walsender"}
                      : std::vector<std::string>{"postmaster", "startup", "checkpointer", "walreceiver"};
    for (const std::string& kind : kinds) {
      const CmdResult got = wait_event(*c, {"config_reloaded", "ptype=" + kind, "log_min_messages=FATAL"}, since);
      CHECK_MESSAGE(got.exit_code == 0, kind << ": " << got.describe());
    }
  }

  // After: the backend that was running before the reload no longer logs its errors.
  CHECK_FALSE(session.exec("SELECT * FROM no_such_relation").ok());
  CHECK(session.exec("SELECT 1").ok());  // a round trip after the failure: its log line would be written by now
  CHECK(errors_in_log() == 1);
  (void)standby.stop("fast");
  (void)primary.stop("fast");
}
