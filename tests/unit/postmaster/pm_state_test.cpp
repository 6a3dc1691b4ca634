// Every transition of the postmaster state machine, without forking.
#include <doctest.h>

#include <csignal>

#include "postmaster/pm_state.h"

using namespace pmemu::postmaster;

namespace {

PmContext ctx_in(PmState s) {
  PmContext c;
  c.state = s;
  return c;
}

ChildCounts running() {
  ChildCounts ch;
  ch.checkpointer = true;
  return ch;
}

template <typename T>
std::vector<T> actions_of(const Step& st) {
  std::vector<T> out;
  for (auto& a : st.actions)
    if (auto* x = std::get_if<T>(&a)) out.push_back(*x);
  return out;
}

bool logged(const Step& st, const std::string& text) {
  for (auto& l : actions_of<ActLog>(st))
    if (l.text == text) return true;
  return false;
}

bool signalled(const Step& st, unsigned target, int signo) {
  for (auto& s : actions_of<ActSignal>(st))
    if ((s.targets & target) && s.signo == signo) return true;
  return false;
}

bool launched(const Step& st, ChildKind k) {
  for (auto& l : actions_of<ActLaunch>(st))
    if (l.kind == k) return true;
  return false;
}

int exit_code(const Step& st) {
  auto e = actions_of<ActExit>(st);
  return e.empty() ? -1 : e.back().code;
}

EvChildExit exit_of(ChildKind k, ExitStatus s, bool clean = true) { return EvChildExit{k, 4242, s, clean}; }

}  // namespace

TEST_CASE("start launches checkpointer then startup and enters PM_STARTUP") {
  auto st = step(PmContext{}, EvStart{}, ChildCounts{});
  CHECK(st.ctx.state == PmState::Startup);
  CHECK(st.ctx.startup_status == StartupStatus::Running);
  auto l = actions_of<ActLaunch>(st);
  REQUIRE(l.size() == 2);
  CHECK(l[0].kind == ChildKind::Checkpointer);
  CHECK(l[1].kind == ChildKind::Startup);
  CHECK(logged(st, "postmaster state: PM_INIT -> PM_STARTUP"));
}

TEST_CASE("start is ignored outside PM_INIT") {
  auto st = step(ctx_in(PmState::Run), EvStart{}, running());
  CHECK(st.ctx.state == PmState::Run);
  CHECK(st.actions.empty());
}

TEST_CASE("startup success enters PM_RUN, logs ready and marks the pid file") {
  auto c = ctx_in(PmState::Startup);
  c.startup_status = StartupStatus::Running;
  auto st = step(c, exit_of(ChildKind::Startup, ExitStatus::exited(0)), running());
  CHECK(st.ctx.state == PmState::Run);
  CHECK(logged(st, "database system is ready to accept connections"));
  auto ps = actions_of<ActSetPidStatus>(st);
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].status == "ready   ");
  CHECK_FALSE(launched(st, ChildKind::Checkpointer));
}

TEST_CASE("startup success relaunches a missing checkpointer") {
  auto c = ctx_in(PmState::Recovery);
  auto st = step(c, exit_of(ChildKind::Startup, ExitStatus::exited(0)), ChildCounts{});
  CHECK(st.ctx.state == PmState::Run);
  CHECK(launched(st, ChildKind::Checkpointer));
}

TEST_CASE("startup success ends a crash cycle even without redo") {
  auto c = ctx_in(PmState::Startup);
  c.fatal_error = true;  // reinitialised after a crash; RECOVERY_STARTED never came
  c.startup_status = StartupStatus::Running;
  auto st = step(c, exit_of(ChildKind::Startup, ExitStatus::exited(0)), running());
  CHECK(st.ctx.state == PmState::Run);
  CHECK_FALSE(st.ctx.fatal_error);
  CHECK(admit_connection(st.ctx) == ConnAdmission::Ok);
}

TEST_CASE("a startup process exiting 0 in the middle of a crash cycle changes nothing") {
  auto c = ctx_in(PmState::WaitBackends);
  c.fatal_error = true;
  c.startup_status = StartupStatus::Signaled;
  auto st = step(c, exit_of(ChildKind::Startup, ExitStatus::exited(0)), running());
  CHECK(st.ctx.state == PmState::WaitBackends);
  CHECK(st.ctx.fatal_error);
}

TEST_CASE("startup failure exit during PM_STARTUP aborts start-up") {
  auto c = ctx_in(PmState::Startup);
  c.startup_status = StartupStatus::Running;
  auto st = step(c, exit_of(ChildKind::Startup, ExitStatus::exited(1)), running());
  CHECK(logged(st, "startup process (PID 4242) exited with exit code 1"));
  CHECK(logged(st, "aborting startup due to startup process failure"));
  CHECK(exit_code(st) == 1);
}

TEST_CASE("startup killed by a signal leads to a crash restart") {
  auto c = ctx_in(PmState::Startup);
  c.startup_status = StartupStatus::Running;
  auto st = step(c, exit_of(ChildKind::Startup, ExitStatus::killed(SIGKILL)), running());
  CHECK(logged(st, "startup process (PID 4242) was terminated by signal 9: Killed"));
  CHECK(logged(st, "terminating any other active server processes"));
  CHECK(signalled(st, kTargetCheckpointer, SIGQUIT));
  CHECK(st.ctx.fatal_error);
  CHECK(st.ctx.state == PmState::WaitBackends);
  // The checkpointer exits on SIGQUIT: nothing is left, so reinitialise.
  auto st2 = step(st.ctx, exit_of(ChildKind::Checkpointer, ExitStatus::exited(2)), ChildCounts{});
  CHECK(logged(st2, "all server processes terminated; reinitializing"));
  CHECK(actions_of<ActReinitSharedMemory>(st2).size() == 1);
  CHECK(st2.ctx.state == PmState::Startup);
  CHECK(launched(st2, ChildKind::Startup));
  CHECK(launched(st2, ChildKind::Checkpointer));
  CHECK(st2.ctx.fatal_error);  // until redo begins
}

TEST_CASE("startup failing after redo began ends the postmaster once all are gone") {
  auto c = ctx_in(PmState::Recovery);
  c.startup_status = StartupStatus::Running;
  auto st = step(c, exit_of(ChildKind::Startup, ExitStatus::exited(1)), running());
  CHECK(st.ctx.startup_status == StartupStatus::Crashed);
  CHECK(st.ctx.state == PmState::WaitBackends);
  auto st2 = step(st.ctx, exit_of(ChildKind::Checkpointer, ExitStatus::exited(2)), ChildCounts{});
  CHECK(logged(st2, "shutting down due to startup process failure"));
  CHECK(exit_code(st2) == 1);
}

TEST_CASE("PMSIGNAL_RECOVERY_STARTED moves PM_STARTUP to PM_RECOVERY and ends the crash cycle") {
  auto c = ctx_in(PmState::Startup);
  c.fatal_error = true;
  auto st = step(c, EvPmSignal{PmSignal::RecoveryStarted}, running());
  CHECK(st.ctx.state == PmState::Recovery);
  CHECK_FALSE(st.ctx.fatal_error);
  CHECK(logged(st, "postmaster state: PM_STARTUP -> PM_RECOVERY"));
}

TEST_CASE("RECOVERY_STARTED is ignored during shutdown or outside PM_STARTUP") {
  auto c = ctx_in(PmState::Startup);
  c.shutdown = ShutdownMode::Smart;
  CHECK(step(c, EvPmSignal{PmSignal::RecoveryStarted}, running()).ctx.state == PmState::Startup);
  CHECK(step(ctx_in(PmState::Run), EvPmSignal{PmSignal::RecoveryStarted}, running()).ctx.state == PmState::Run);
}

TEST_CASE("hot_standby off marks the pid file standby at recovery start") {
  auto c = ctx_in(PmState::Startup);
  c.hot_standby = false;
  auto st = step(c, EvPmSignal{PmSignal::RecoveryStarted}, running());
  auto ps = actions_of<ActSetPidStatus>(st);
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].status == "standby ");
}

TEST_CASE("BEGIN_HOT_STANDBY opens read-only sessions") {
  auto st = step(ctx_in(PmState::Recovery), EvPmSignal{PmSignal::BeginHotStandby}, running());
  CHECK(st.ctx.state == PmState::HotStandby);
  CHECK(logged(st, "database system is ready to accept read-only connections"));
  CHECK(step(ctx_in(PmState::Startup), EvPmSignal{PmSignal::BeginHotStandby}, running()).ctx.state ==
        PmState::Startup);
}

TEST_CASE("START_WALRECEIVER launches one walreceiver in recovery states only") {
  auto st = step(ctx_in(PmState::Recovery), EvPmSignal{PmSignal::StartWalReceiver}, running());
  CHECK(launched(st, ChildKind::WalReceiver));
  CHECK_FALSE(st.ctx.walreceiver_requested);
  ChildCounts with_rcv = running();
  with_rcv.walreceiver = true;
  auto st2 = step(ctx_in(PmState::Recovery), EvPmSignal{PmSignal::StartWalReceiver}, with_rcv);
  CHECK_FALSE(launched(st2, ChildKind::WalReceiver));
  CHECK(st2.ctx.walreceiver_requested);
  auto st3 = step(ctx_in(PmState::Run), EvPmSignal{PmSignal::StartWalReceiver}, running());
  CHECK_FALSE(launched(st3, ChildKind::WalReceiver));
}

TEST_CASE("a walreceiver asked for while the old one was exiting starts when the old one is reaped") {
  ChildCounts with_rcv = running();
  with_rcv.walreceiver = true;
  auto st = step(ctx_in(PmState::HotStandby), EvPmSignal{PmSignal::StartWalReceiver}, with_rcv);
  CHECK_FALSE(launched(st, ChildKind::WalReceiver));
  auto st2 = step(st.ctx, exit_of(ChildKind::WalReceiver, ExitStatus::exited(1)), running());
  CHECK(launched(st2, ChildKind::WalReceiver));
  CHECK_FALSE(st2.ctx.walreceiver_requested);
  // Not when the exit is a crash: everything stops first.
  auto st3 = step(st.ctx, exit_of(ChildKind::WalReceiver, ExitStatus::killed(SIGKILL)), running());
  CHECK_FALSE(launched(st3, ChildKind::WalReceiver));
}

TEST_CASE("smart shutdown in PM_RUN waits for sessions, then stops in order") {
  ChildCounts ch = running();
  ch.backends = 1;
  auto st = step(ctx_in(PmState::Run), EvShutdownRequest{ShutdownMode::Smart}, ch);
  CHECK(logged(st, "received smart shutdown request"));
  CHECK(st.ctx.state == PmState::Run);
  CHECK_FALSE(st.ctx.conns_allowed);
  CHECK(admit_connection(st.ctx) == ConnAdmission::ShuttingDown);
  CHECK(actions_of<ActSetPidStatus>(st).at(0).status == "stopping");

  // The last session leaves: stop backends -> wait -> checkpointer asked for the shutdown checkpoint.
  auto st2 = step(st.ctx, exit_of(ChildKind::Backend, ExitStatus::exited(0)), running());
  CHECK(logged(st2, "postmaster state: PM_RUN -> PM_STOP_BACKENDS"));
  CHECK(logged(st2, "postmaster state: PM_STOP_BACKENDS -> PM_WAIT_BACKENDS"));
  CHECK(logged(st2, "postmaster state: PM_WAIT_BACKENDS -> PM_SHUTDOWN"));
  CHECK(actions_of<ActRequestShutdownCheckpoint>(st2).size() == 1);
  CHECK(st2.ctx.state == PmState::Shutdown);

  // Checkpointer exits 0 after the shutdown checkpoint: PM_SHUTDOWN_2, walsenders told to finish.
  ChildCounts ws;
  ws.walsenders = 2;
  auto st3 = step(st2.ctx, exit_of(ChildKind::Checkpointer, ExitStatus::exited(0)), ws);
  CHECK(st3.ctx.state == PmState::Shutdown2);
  CHECK(actions_of<ActTellWalsendersLastCycle>(st3).size() == 1);

  ws.walsenders = 0;
  auto st4 = step(st3.ctx, exit_of(ChildKind::WalSender, ExitStatus::exited(0)), ws);
  CHECK(logged(st4, "postmaster state: PM_SHUTDOWN_2 -> PM_WAIT_DEAD_END"));
  CHECK(logged(st4, "postmaster state: PM_WAIT_DEAD_END -> PM_NO_CHILDREN"));
  CHECK(exit_code(st4) == 0);
}

TEST_CASE("smart shutdown does not wait for walsenders") {
  ChildCounts ch = running();
  ch.walsenders = 1;
  auto st = step(ctx_in(PmState::Run), EvShutdownRequest{ShutdownMode::Smart}, ch);
  CHECK(st.ctx.state == PmState::Shutdown);
  CHECK_FALSE(signalled(st, kTargetWalSenders, SIGTERM));
}

TEST_CASE("fast shutdown in PM_RUN terminates sessions with SIGTERM") {
  ChildCounts ch = running();
  ch.backends = 3;
  auto st = step(ctx_in(PmState::Run), EvShutdownRequest{ShutdownMode::Fast}, ch);
  CHECK(logged(st, "received fast shutdown request"));
  CHECK(logged(st, "aborting any active transactions"));
  CHECK(signalled(st, kTargetBackends, SIGTERM));
  CHECK(st.ctx.state == PmState::WaitBackends);
  ch.backends = 0;
  auto st2 = step(st.ctx, exit_of(ChildKind::Backend, ExitStatus::exited(1)), ch);
  CHECK(st2.ctx.state == PmState::Shutdown);
}

TEST_CASE("fast shutdown during PM_STARTUP stops the startup process") {
  ChildCounts ch = running();
  ch.startup = true;
  auto st = step(ctx_in(PmState::Startup), EvShutdownRequest{ShutdownMode::Fast}, ch);
  CHECK(signalled(st, kTargetStartup, SIGTERM));
  CHECK(st.ctx.state == PmState::WaitBackends);
  auto st2 = step(st.ctx, exit_of(ChildKind::Startup, ExitStatus::exited(1)), running());
  CHECK(st2.ctx.state == PmState::Shutdown);
}

TEST_CASE("fast shutdown after a crash restart's reinit, before redo, stops the normal way and exits 0") {
  auto c = ctx_in(PmState::Startup);
  c.fatal_error = true;  // until RECOVERY_STARTED
  c.startup_status = StartupStatus::Running;
  ChildCounts ch = running();
  ch.startup = true;
  auto st = step(c, EvShutdownRequest{ShutdownMode::Fast}, ch);
  CHECK(signalled(st, kTargetStartup, SIGTERM));
  CHECK(st.ctx.state == PmState::WaitBackends);
  auto st2 = step(st.ctx, exit_of(ChildKind::Startup, ExitStatus::exited(1)), running());
  CHECK(st2.ctx.state == PmState::Shutdown);
  CHECK(actions_of<ActRequestShutdownCheckpoint>(st2).size() == 1);
  auto st3 = step(st2.ctx, exit_of(ChildKind::Checkpointer, ExitStatus::exited(0)), ChildCounts{});
  CHECK(exit_code(st3) == 0);
}

TEST_CASE("fast shutdown while a crash's children are still being killed keeps crash mode") {
  auto c = ctx_in(PmState::Startup);
  c.fatal_error = true;
  c.abort_timer_running = true;
  ChildCounts ch = running();
  ch.startup = true;
  auto st = step(c, EvShutdownRequest{ShutdownMode::Fast}, ch);
  CHECK(st.ctx.fatal_error);
  auto st2 = step(st.ctx, exit_of(ChildKind::Startup, ExitStatus::exited(1)), running());
  CHECK(st2.ctx.state == PmState::WaitBackends);
  CHECK(actions_of<ActRequestShutdownCheckpoint>(st2).empty());
}

TEST_CASE("smart shutdown during PM_RECOVERY stops at once") {
  ChildCounts ch = running();
  ch.startup = true;
  auto st = step(ctx_in(PmState::Recovery), EvShutdownRequest{ShutdownMode::Smart}, ch);
  CHECK(st.ctx.state == PmState::WaitBackends);
  CHECK(signalled(st, kTargetStartup, SIGTERM));
}

TEST_CASE("a weaker shutdown request after a stronger one is ignored") {
  auto c = ctx_in(PmState::WaitBackends);
  c.shutdown = ShutdownMode::Fast;
  ChildCounts ch = running();
  ch.backends = 1;
  auto st = step(c, EvShutdownRequest{ShutdownMode::Smart}, ch);
  CHECK(st.ctx.shutdown == ShutdownMode::Fast);
  CHECK_FALSE(logged(st, "received smart shutdown request"));
  // But a stronger one is not.
  auto st2 = step(c, EvShutdownRequest{ShutdownMode::Immediate}, ch);
  CHECK(st2.ctx.shutdown == ShutdownMode::Immediate);
}

TEST_CASE("immediate shutdown SIGQUITs everyone, skips the checkpoint and exits 0") {
  ChildCounts ch = running();
  ch.backends = 2;
  ch.walsenders = 1;
  auto st = step(ctx_in(PmState::Run), EvShutdownRequest{ShutdownMode::Immediate}, ch);
  CHECK(logged(st, "received immediate shutdown request"));
  CHECK(signalled(st, kTargetAll, SIGQUIT));
  CHECK(actions_of<ActSetQuitReason>(st).at(0).reason == QuitFor::Stop);
  CHECK(actions_of<ActStartAbortTimer>(st).size() == 1);
  CHECK(st.ctx.state == PmState::WaitBackends);
  CHECK_FALSE(st.ctx.fatal_error);
  // Children die of the SIGQUIT (exit 2): no crash handling, no checkpoint.
  ch.backends = 0;
  auto st2 = step(st.ctx, exit_of(ChildKind::Backend, ExitStatus::exited(2)), ch);
  CHECK_FALSE(logged(st2, "terminating any other active server processes"));
  CHECK(actions_of<ActRequestShutdownCheckpoint>(st2).empty());
  CHECK(st2.ctx.state == PmState::WaitBackends);  // checkpointer still there
  ChildCounts none;
  none.walsenders = 1;
  auto st3 = step(st2.ctx, exit_of(ChildKind::Checkpointer, ExitStatus::exited(2)), none);
  CHECK(st3.ctx.state == PmState::WaitDeadEnd);
  auto st4 = step(st3.ctx, exit_of(ChildKind::WalSender, ExitStatus::exited(2)), ChildCounts{});
  CHECK(exit_code(st4) == 0);
}

TEST_CASE("a backend killed by a signal is a crash; restart follows") {
  ChildCounts ch = running();
  ch.backends = 1;
  auto st = step(ctx_in(PmState::Run), exit_of(ChildKind::Backend, ExitStatus::killed(SIGKILL)), ch);
  CHECK(logged(st, "server process (PID 4242) was terminated by signal 9: Killed"));
  CHECK(logged(st, "terminating any other active server processes"));
  CHECK(actions_of<ActSetQuitReason>(st).at(0).reason == QuitFor::Crash);
  CHECK(signalled(st, kTargetAll, SIGQUIT));
  CHECK(st.ctx.fatal_error);
  CHECK(st.ctx.state == PmState::WaitBackends);
  CHECK(admit_connection(st.ctx) == ConnAdmission::InRecoveryMode);
  // The other backend and then the checkpointer go: only then reinitialise.
  auto st2 = step(st.ctx, exit_of(ChildKind::Backend, ExitStatus::exited(2)), running());
  CHECK(st2.ctx.state == PmState::WaitBackends);
  CHECK_FALSE(logged(st2, "terminating any other active server processes"));
  auto st3 = step(st2.ctx, exit_of(ChildKind::Checkpointer, ExitStatus::exited(2)), ChildCounts{});
  CHECK(logged(st3, "all server processes terminated; reinitializing"));
  CHECK(st3.ctx.state == PmState::Startup);
  CHECK(admit_connection(st3.ctx) == ConnAdmission::InRecoveryMode);
}

TEST_CASE("a backend exit 0 or 1 is normal, but not with a dirty slot") {
  ChildCounts ch = running();
  auto ok0 = step(ctx_in(PmState::Run), exit_of(ChildKind::Backend, ExitStatus::exited(0)), ch);
  auto ok1 = step(ctx_in(PmState::Run), exit_of(ChildKind::Backend, ExitStatus::exited(1)), ch);
  // Only the record of the exit itself, not a crash.
  for (auto* st : {&ok0, &ok1}) {
    REQUIRE(st->actions.size() == 1);
    auto exited = actions_of<ActChildExited>(*st);
    REQUIRE(exited.size() == 1);
    CHECK_FALSE(exited[0].crash);
  }
  auto bad = step(ctx_in(PmState::Run), exit_of(ChildKind::Backend, ExitStatus::exited(0), false), ch);
  CHECK(bad.ctx.fatal_error);
  // The exit that starts the crash cycle says so, and comes first.
  REQUIRE(std::holds_alternative<ActChildExited>(bad.actions.front()));
  CHECK(std::get<ActChildExited>(bad.actions.front()).crash);
  // Another exit during the cycle does not start one.
  auto again = step(bad.ctx, exit_of(ChildKind::Backend, ExitStatus::killed(SIGQUIT)), ch);
  CHECK_FALSE(actions_of<ActChildExited>(again).at(0).crash);
  auto code2 = step(ctx_in(PmState::Run), exit_of(ChildKind::Backend, ExitStatus::exited(2)), ch);
  CHECK(logged(code2, "server process (PID 4242) exited with exit code 2"));
}

TEST_CASE("each state change is an action next to its log line, and signals say why") {
  ChildCounts ch = running();
  ch.backends = 1;
  auto st = step(ctx_in(PmState::Run), EvShutdownRequest{ShutdownMode::Fast}, ch);
  auto changes = actions_of<ActStateChange>(st);
  REQUIRE(!changes.empty());
  CHECK(changes[0].from == PmState::Run);
  CHECK(changes[0].to == PmState::StopBackends);
  auto sig = actions_of<ActSignal>(st);
  REQUIRE(!sig.empty());
  CHECK(std::string(sig[0].why) == "fast shutdown");
}

TEST_CASE("a checkpointer exit outside PM_SHUTDOWN is a crash") {
  auto st = step(ctx_in(PmState::Run), exit_of(ChildKind::Checkpointer, ExitStatus::exited(0)), ChildCounts{});
  CHECK(logged(st, "checkpointer process (PID 4242) exited with exit code 0"));
  CHECK(st.ctx.fatal_error);
  // Nothing else was running: straight to reinitialisation.
  CHECK(logged(st, "all server processes terminated; reinitializing"));
}

TEST_CASE("restart_after_crash off makes the postmaster exit 1") {
  auto c = ctx_in(PmState::Run);
  c.restart_after_crash = false;
  auto st = step(c, exit_of(ChildKind::Backend, ExitStatus::killed(SIGSEGV)), ChildCounts{});
  CHECK(logged(st, "shutting down because restart_after_crash is off"));
  CHECK(exit_code(st) == 1);
}

TEST_CASE("a crash during a smart shutdown ends in an abnormal shutdown") {
  auto c = ctx_in(PmState::Shutdown);
  c.shutdown = ShutdownMode::Smart;
  auto st = step(c, exit_of(ChildKind::Checkpointer, ExitStatus::killed(SIGKILL)), ChildCounts{});
  CHECK(logged(st, "abnormal database system shutdown"));
  CHECK(exit_code(st) == 1);
}

TEST_CASE("a crash while another crash is handled adds no noise") {
  auto c = ctx_in(PmState::WaitBackends);
  c.fatal_error = true;
  ChildCounts ch = running();
  ch.backends = 1;
  auto st = step(c, exit_of(ChildKind::Backend, ExitStatus::killed(SIGKILL)), ch);
  CHECK(actions_of<ActLog>(st).empty());
  CHECK(actions_of<ActSignal>(st).empty());
}

TEST_CASE("the abort timer SIGKILLs what is left, once") {
  auto c = ctx_in(PmState::WaitBackends);
  c.fatal_error = true;
  c.abort_timer_running = true;
  auto st = step(c, EvAbortTimeout{}, running());
  CHECK(signalled(st, kTargetAll, SIGKILL));
  CHECK(logged(st, "issuing SIGKILL to recalcitrant children"));
  CHECK_FALSE(st.ctx.abort_timer_running);
  auto st2 = step(st.ctx, EvAbortTimeout{}, running());
  CHECK(actions_of<ActSignal>(st2).empty());
}

TEST_CASE("dead-end children are told to go at PM_WAIT_DEAD_END and are waited for") {
  auto c = ctx_in(PmState::Shutdown2);
  c.shutdown = ShutdownMode::Fast;
  ChildCounts ch;
  ch.dead_ends = 1;
  auto st = step(c, EvPmSignal{PmSignal::AdvanceStateMachine}, ch);
  CHECK(st.ctx.state == PmState::WaitDeadEnd);
  CHECK(signalled(st, kTargetDeadEnds, SIGTERM));
  CHECK(exit_code(st) == -1);
  auto st2 = step(st.ctx, exit_of(ChildKind::DeadEnd, ExitStatus::exited(1)), ChildCounts{});
  CHECK(exit_code(st2) == 0);
}

TEST_CASE("connection admission follows PostgreSQL's canAcceptConnections") {
  CHECK(admit_connection(ctx_in(PmState::Run)) == ConnAdmission::Ok);
  CHECK(admit_connection(ctx_in(PmState::HotStandby)) == ConnAdmission::Ok);
  CHECK(admit_connection(ctx_in(PmState::Startup)) == ConnAdmission::StartingUp);
  CHECK(admit_connection(ctx_in(PmState::Recovery)) == ConnAdmission::NotConsistent);
  auto off = ctx_in(PmState::Recovery);
  off.hot_standby = false;
  CHECK(admit_connection(off) == ConnAdmission::HotStandbyOff);
  auto crash = ctx_in(PmState::Startup);
  crash.fatal_error = true;
  CHECK(admit_connection(crash) == ConnAdmission::InRecoveryMode);
  auto stopping = ctx_in(PmState::WaitBackends);
  stopping.shutdown = ShutdownMode::Fast;
  CHECK(admit_connection(stopping) == ConnAdmission::ShuttingDown);
  CHECK(admit_connection(ctx_in(PmState::WaitDeadEnd)) == ConnAdmission::NotAccepted);
  CHECK(admit_connection(ctx_in(PmState::NoChildren)) == ConnAdmission::NotAccepted);
}

TEST_CASE("state names are PostgreSQL's") {
  CHECK(state_name(PmState::Shutdown2) == "PM_SHUTDOWN_2");
  CHECK(state_name(PmState::WaitDeadEnd) == "PM_WAIT_DEAD_END");
  CHECK(state_name(PmState::StopBackends) == "PM_STOP_BACKENDS");
}
