#include "postmaster/pm_state.h"

#include <csignal>
#include <cstring>

namespace pmemu::postmaster {
namespace {

// Accumulates the result of one step; every state change is logged as it
// happens, so a step that passes through several states shows each of them.
struct Builder {
  PmContext c;
  std::vector<PmAction> a;

  void log(std::string text) { a.emplace_back(ActLog{std::move(text)}); }
  void signal(unsigned targets, int signo, const char* why) { a.emplace_back(ActSignal{targets, signo, why}); }
  void launch(ChildKind k) { a.emplace_back(ActLaunch{k}); }
  void request_shutdown_checkpoint() { a.emplace_back(ActRequestShutdownCheckpoint{}); }
  void tell_walsenders_last_cycle() { a.emplace_back(ActTellWalsendersLastCycle{}); }
  void pid_status(const char* s) { a.emplace_back(ActSetPidStatus{s}); }
  void set_state(PmState s) {
    if (s == c.state) return;
    log("postmaster state: " + std::string(state_name(c.state)) + " -> " + std::string(state_name(s)));
    a.emplace_back(ActStateChange{c.state, s});
    c.state = s;
  }
};

std::string exit_line(ChildKind kind, int pid, const ExitStatus& st) {
  std::string s = std::string(child_kind(kind).log_name) + " (PID " + std::to_string(pid) + ")";
  if (st.signaled) {
    const char* name = strsignal(st.signo);
    return s + " was terminated by signal " + std::to_string(st.signo) + ": " + (name ? name : "unknown");
  }
  return s + " exited with exit code " + std::to_string(st.code);
}

const char* shutdown_why(ShutdownMode m) {
  switch (m) {
    case ShutdownMode::Smart: return "smart shutdown";
    case ShutdownMode::Fast: return "fast shutdown";
    case ShutdownMode::Immediate: return "immediate shutdown";
    case ShutdownMode::None: break;
  }
  return "shutdown";
}

bool in(PmState s, std::initializer_list<PmState> set) {
  for (auto x : set)
    if (x == s) return true;
  return false;
}

// PostgreSQL's HandleChildCrash: end every other child and wait for them all.
void handle_child_crash(Builder& b, const EvChildExit& ev, const ChildCounts& ch) {
  const bool take_action = !b.c.fatal_error && b.c.shutdown != ShutdownMode::Immediate;
  if (take_action) {
    b.log(exit_line(ev.kind, ev.pid, ev.status));
    b.log("terminating any other active server processes");
    b.a.emplace_back(ActSetQuitReason{QuitFor::Crash});
    if (ch.total() > 0) b.signal(kTargetAll, SIGQUIT, "crash of another process");
    if (ch.startup) b.c.startup_status = StartupStatus::Signaled;
    b.a.emplace_back(ActStartAbortTimer{});
    b.c.abort_timer_running = true;
  }
  if (b.c.shutdown != ShutdownMode::Immediate) b.c.fatal_error = true;
  if (in(b.c.state, {PmState::Recovery, PmState::HotStandby, PmState::Run, PmState::StopBackends,
                     PmState::Shutdown}))
    b.set_state(PmState::WaitBackends);
  if (b.c.state == PmState::Startup && !ch.startup) b.set_state(PmState::WaitBackends);
}

void start_children(Builder& b) {
  // As PostgreSQL 15: the checkpointer first, so it can help during recovery.
  b.launch(ChildKind::Checkpointer);
  b.launch(ChildKind::Startup);
  b.c.startup_status = StartupStatus::Running;
}

void maybe_start_walreceiver(Builder& b, const ChildCounts& ch) {
  if (b.c.walreceiver_requested && !ch.walreceiver &&
      in(b.c.state, {PmState::Startup, PmState::Recovery, PmState::HotStandby}) &&
      b.c.shutdown <= ShutdownMode::Smart) {
    b.launch(ChildKind::WalReceiver);
    b.c.walreceiver_requested = false;
  }
}

// PostgreSQL's PostmasterStateMachine: move through the shutdown and crash
// states as far as the children that are left allow.
void advance(Builder& b, const ChildCounts& ch) {
  for (int guard = 0; guard < 16; ++guard) {
    const PmState before = b.c.state;
    switch (b.c.state) {
      case PmState::Run:
      case PmState::HotStandby:
        if (!b.c.conns_allowed && ch.backends == 0) b.set_state(PmState::StopBackends);
        break;
      case PmState::StopBackends: {
        unsigned t = 0;
        if (ch.backends) t |= kTargetBackends;
        if (ch.startup) t |= kTargetStartup;
        if (ch.walreceiver) t |= kTargetWalReceiver;
        if (t) b.signal(t, SIGTERM, shutdown_why(b.c.shutdown));
        b.set_state(PmState::WaitBackends);
        break;
      }
      case PmState::WaitBackends: {
        const bool crash_mode = b.c.shutdown >= ShutdownMode::Immediate || b.c.fatal_error;
        if (ch.backends == 0 && !ch.startup && !ch.walreceiver && (!ch.checkpointer || !crash_mode)) {
          if (crash_mode) {
            b.set_state(PmState::WaitDeadEnd);
          } else {
            if (!ch.checkpointer) b.launch(ChildKind::Checkpointer);
            b.request_shutdown_checkpoint();
            b.set_state(PmState::Shutdown);
          }
        }
        break;
      }
      case PmState::Shutdown2:
        if (ch.backends == 0 && ch.walsenders == 0) {
          b.set_state(PmState::WaitDeadEnd);
          if (ch.dead_ends) b.signal(kTargetDeadEnds, SIGTERM, "refused connections");
        }
        break;
      case PmState::WaitDeadEnd:
        if (ch.total() == 0) b.set_state(PmState::NoChildren);
        break;
      case PmState::NoChildren:
        if (b.c.shutdown > ShutdownMode::None) {
          if (b.c.fatal_error) {
            b.log("abnormal database system shutdown");
            b.a.emplace_back(ActExit{1});
          } else {
            b.a.emplace_back(ActExit{0});
          }
          return;
        }
        if (b.c.fatal_error) {
          if (b.c.startup_status == StartupStatus::Crashed) {
            b.log("shutting down due to startup process failure");
            b.a.emplace_back(ActExit{1});
            return;
          }
          if (!b.c.restart_after_crash) {
            b.log("shutting down because restart_after_crash is off");
            b.a.emplace_back(ActExit{1});
            return;
          }
          b.log("all server processes terminated; reinitializing");
          b.a.emplace_back(ActReinitSharedMemory{});
          b.c.abort_timer_running = false;
          b.c.walreceiver_requested = false;
          b.set_state(PmState::Startup);
          start_children(b);
        }
        return;
      default:
        break;
    }
    if (b.c.state == before) return;
  }
}

void on_shutdown_request(Builder& b, ShutdownMode mode, const ChildCounts& ch) {
  if (b.c.shutdown >= mode) return;  // the strongest request so far wins
  b.c.shutdown = mode;
  b.pid_status("stopping");
  // Reinitialised after a crash, before redo begins (fatal_error lasts until
  // RECOVERY_STARTED, as PostgreSQL's FatalError): nothing of the crash is
  // left to kill, so a smart or fast stop takes the normal path, whose
  // checkpointer makes no checkpoint while recovery is unfinished. In crash
  // mode PM_WAIT_BACKENDS would wait forever for a checkpointer nobody tells
  // to go.
  if (mode != ShutdownMode::Immediate && b.c.state == PmState::Startup && b.c.fatal_error &&
      !b.c.abort_timer_running)
    b.c.fatal_error = false;
  switch (mode) {
    case ShutdownMode::Smart:
      b.log("received smart shutdown request");
      if (in(b.c.state, {PmState::Run, PmState::HotStandby}))
        b.c.conns_allowed = false;
      else if (in(b.c.state, {PmState::Startup, PmState::Recovery}))
        b.set_state(PmState::StopBackends);
      break;
    case ShutdownMode::Fast:
      b.log("received fast shutdown request");
      if (in(b.c.state, {PmState::Startup, PmState::Recovery})) {
        b.set_state(PmState::StopBackends);
      } else if (in(b.c.state, {PmState::Run, PmState::HotStandby})) {
        b.log("aborting any active transactions");
        b.set_state(PmState::StopBackends);
      }
      break;
    case ShutdownMode::Immediate:
      b.log("received immediate shutdown request");
      b.a.emplace_back(ActSetQuitReason{QuitFor::Stop});
      if (ch.total() > 0) b.signal(kTargetAll, SIGQUIT, "immediate shutdown");
      if (ch.startup) b.c.startup_status = StartupStatus::Signaled;
      b.set_state(PmState::WaitBackends);
      b.a.emplace_back(ActStartAbortTimer{});
      b.c.abort_timer_running = true;
      break;
    case ShutdownMode::None:
      break;
  }
}

void on_startup_exit(Builder& b, const EvChildExit& ev, const ChildCounts& ch) {
  const ExitStatus& st = ev.status;
  if (b.c.shutdown > ShutdownMode::None && (st.is(0) || st.is(1))) {
    b.c.startup_status = StartupStatus::NotRunning;  // stopped on request
    b.set_state(PmState::WaitBackends);
    return;
  }
  if (b.c.state == PmState::Startup && b.c.startup_status != StartupStatus::Signaled && !st.signaled &&
      !st.is(0)) {
    b.log(exit_line(ev.kind, ev.pid, st));
    b.log("aborting startup due to startup process failure");
    b.a.emplace_back(ActExit{1});
    return;
  }
  if (!st.is(0)) {
    if (b.c.startup_status == StartupStatus::Signaled) {
      b.c.startup_status = StartupStatus::NotRunning;
      if (b.c.state == PmState::Startup) b.set_state(PmState::WaitBackends);
    } else {
      // Killed by a signal: crash restart. Exited with an error after redo
      // began: the data directory needs a person, do not loop.
      b.c.startup_status = st.signaled ? StartupStatus::NotRunning : StartupStatus::Crashed;
    }
    handle_child_crash(b, ev, ch);
    return;
  }
  b.c.startup_status = StartupStatus::NotRunning;
  if (!in(b.c.state, {PmState::Startup, PmState::Recovery, PmState::HotStandby})) {
    // A startup process that finished while a crash cycle was already under
    // way changes nothing: everything is being stopped.
    return;
  }
  // Success ends a crash cycle even when no redo was needed (then
  // RECOVERY_STARTED never came), as PostgreSQL's reaper clears FatalError.
  b.c.fatal_error = false;
  b.c.abort_timer_running = false;
  b.c.conns_allowed = true;
  b.set_state(PmState::Run);
  if (!ch.checkpointer) b.launch(ChildKind::Checkpointer);
  b.log("database system is ready to accept connections");
  b.pid_status("ready   ");
}

void on_child_exit(Builder& b, const EvChildExit& ev, const ChildCounts& ch) {
  const ExitStatus& st = ev.status;
  switch (ev.kind) {
    case ChildKind::Startup:
      on_startup_exit(b, ev, ch);
      break;
    case ChildKind::Checkpointer:
      if (st.is(0) && b.c.state == PmState::Shutdown) {
        b.set_state(PmState::Shutdown2);
        if (ch.walsenders) b.tell_walsenders_last_cycle();
      } else {
        handle_child_crash(b, ev, ch);
      }
      break;
    case ChildKind::Backend:
    case ChildKind::WalSender:
    case ChildKind::DeadEnd:
    case ChildKind::WalReceiver:
      if (!((st.is(0) || st.is(1)) && ev.slot_clean)) handle_child_crash(b, ev, ch);
      break;
  }
}

void on_pm_signal(Builder& b, PmSignal sig, const ChildCounts& ch) {
  switch (sig) {
    case PmSignal::RecoveryStarted:
      if (b.c.state == PmState::Startup && b.c.shutdown == ShutdownMode::None) {
        b.c.fatal_error = false;
        b.c.abort_timer_running = false;
        b.set_state(PmState::Recovery);
        if (!b.c.hot_standby) b.pid_status("standby ");
      }
      break;
    case PmSignal::BeginHotStandby:
      if (b.c.state == PmState::Recovery && b.c.shutdown == ShutdownMode::None) {
        b.set_state(PmState::HotStandby);
        b.c.conns_allowed = true;
        b.log("database system is ready to accept read-only connections");
        b.pid_status("ready   ");
      }
      break;
    case PmSignal::StartWalReceiver:
      b.c.walreceiver_requested = true;
      break;
    case PmSignal::AdvanceStateMachine:
      break;
  }
  maybe_start_walreceiver(b, ch);
}

}  // namespace

std::string_view state_name(PmState s) {
  switch (s) {
    case PmState::Init: return "PM_INIT";
    case PmState::Startup: return "PM_STARTUP";
    case PmState::Recovery: return "PM_RECOVERY";
    case PmState::HotStandby: return "PM_HOT_STANDBY";
    case PmState::Run: return "PM_RUN";
    case PmState::StopBackends: return "PM_STOP_BACKENDS";
    case PmState::WaitBackends: return "PM_WAIT_BACKENDS";
    case PmState::Shutdown: return "PM_SHUTDOWN";
    case PmState::Shutdown2: return "PM_SHUTDOWN_2";
    case PmState::WaitDeadEnd: return "PM_WAIT_DEAD_END";
    case PmState::NoChildren: return "PM_NO_CHILDREN";
  }
  return "PM_UNKNOWN";
}

Step step(const PmContext& ctx, const PmEvent& ev, const ChildCounts& ch) {
  Builder b{ctx, {}};
  if (std::holds_alternative<EvStart>(ev)) {
    if (b.c.state == PmState::Init) {
      b.set_state(PmState::Startup);
      start_children(b);
    }
  } else if (auto* sd = std::get_if<EvShutdownRequest>(&ev)) {
    on_shutdown_request(b, sd->mode, ch);
  } else if (auto* ce = std::get_if<EvChildExit>(&ev)) {
    on_child_exit(b, *ce, ch);
    // The startup process may have asked for a new walreceiver while the old
    // one was still exiting (PostgreSQL's ServerLoop retries every loop):
    // without this the request waits for the startup process to ask again.
    if (ce->kind == ChildKind::WalReceiver) maybe_start_walreceiver(b, ch);
    // First action of the step, so the exit precedes what it causes.
    const bool crash = !ctx.fatal_error && b.c.fatal_error;
    b.a.insert(b.a.begin(), ActChildExited{ce->kind, ce->pid, ce->status, crash});
  } else if (auto* ps = std::get_if<EvPmSignal>(&ev)) {
    on_pm_signal(b, ps->signal, ch);
  } else if (std::holds_alternative<EvAbortTimeout>(ev)) {
    if (b.c.abort_timer_running && ch.total() > 0) {
      b.log("issuing SIGKILL to recalcitrant children");
      b.signal(kTargetAll, SIGKILL, "recalcitrant children");
    }
    b.c.abort_timer_running = false;
  }
  // Nothing moves in PM_INIT; everything else may.
  if (b.c.state != PmState::Init) advance(b, ch);
  return {b.c, std::move(b.a)};
}

ConnAdmission admit_connection(const PmContext& c) {
  if (c.state == PmState::WaitDeadEnd || c.state == PmState::NoChildren || c.state == PmState::Init)
    return ConnAdmission::NotAccepted;
  if (c.state != PmState::Run && c.state != PmState::HotStandby) {
    if (c.shutdown > ShutdownMode::None) return ConnAdmission::ShuttingDown;
    if (!c.fatal_error && c.state == PmState::Startup) return ConnAdmission::StartingUp;
    if (!c.fatal_error && c.state == PmState::Recovery)
      return c.hot_standby ? ConnAdmission::NotConsistent : ConnAdmission::HotStandbyOff;
    return ConnAdmission::InRecoveryMode;
  }
  if (!c.conns_allowed) return ConnAdmission::ShuttingDown;
  return ConnAdmission::Ok;
}

}  // namespace pmemu::postmaster
