#include <doctest.h>

#include "pmctl/diagnose_parts.h"

using namespace pmemu;
using namespace pmemu::pmctl;

TEST_CASE("last_state_change names the last state event, not the first") {
  const std::string text =
      R"({"ts":"T1","pid":1,"ev":"state","from":"PM_INIT","to":"PM_STARTUP"})" "\n"
      R"({"ts":"T2","pid":1,"ev":"ready","read_only":false})" "\n"
      R"({"ts":"T3","pid":1,"ev":"state","from":"PM_RUN","to":"PM_WAIT_BACKENDS"})" "\n"
      R"({"ts":"T4","pid":2,"ev":"fork","child_pid":3})" "\n";
  CHECK(last_state_change(text) == "PM_RUN -> PM_WAIT_BACKENDS at T3 (line 3)");
  CHECK_FALSE(last_state_change(R"({"ts":"T","ev":"ready"})" "\n").has_value());
  CHECK_FALSE(last_state_change("").has_value());
  // A line still being written (no newline yet) is not read.
  CHECK_FALSE(last_state_change(R"({"ts":"T","ev":"state","from":"A","to":"B"})").has_value());
}

TEST_CASE("control_summary: state, checkpoint, recovery point only when set, times in UTC") {
  wal::ControlFile c;
  c.state = wal::DbState::InProduction;
  c.checkpoint = Lsn{0x1000028};
  c.redo = Lsn{0x1000020};
  c.tli = TimeLineId{2};
  c.checkpoint_time = 86400;
  c.time = 86401;
  const std::string s = control_summary(c);
  CHECK(s.find("state: in production\n") == 0);
  CHECK(s.find("latest checkpoint: 0/1000028, redo 0/1000020, timeline 2, at 1970-01-02 00:00:00 UTC\n") !=
        std::string::npos);
  CHECK(s.find("minimum recovery") == std::string::npos);
  CHECK(s.find("written: 1970-01-02 00:00:01 UTC\n") != std::string::npos);
  c.min_recovery_point = Lsn{0x3000000};
  c.min_recovery_tli = TimeLineId{3};
  CHECK(control_summary(c).find("minimum recovery ending location: 0/3000000 on timeline 3\n") != std::string::npos);
}

TEST_CASE("parked_reason: stopped, traced, uninterruptible, unreaped, fault point; sleeping is not parked") {
  CHECK(parked_reason('S', "do_epoll_wait", "do_epoll_wait").empty());
  CHECK(parked_reason('R', "-", "-").empty());
  CHECK(parked_reason('T', "do_signal_stop", "-").find("stopped by a signal") == 0);
  CHECK(parked_reason('t', "ptrace_stop", "-") == "stopped by a tracer");
  CHECK(parked_reason('D', "io_schedule", "-") == "uninterruptible sleep in io_schedule");
  CHECK(parked_reason('Z', "-", "-") == "exited, not reaped yet");
  CHECK(parked_reason('S', "futex_wait", "FaultPoint:startup.mid_redo") == "parked at fault point startup.mid_redo");
}

TEST_CASE("gdb_backtrace_argv: every thread, no gdbinit, bounded by timeout") {
  const auto argv = gdb_backtrace_argv(4242, std::chrono::seconds(20));
  const std::vector<std::string> want{"timeout", "-k", "5", "20", "gdb", "-p", "4242",
                                      "-batch", "-nx", "-ex", "thread apply all bt"};
  CHECK(argv == want);
}
