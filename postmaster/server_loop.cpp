#include "postmaster/server_loop.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <csignal>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/elog.h"
#include "events/events.h"
#include "checkpoint/checkpointer_shmem.h"
#include "faults/registry.h"
#include "faults/setting.h"
#include "ipc/process_env.h"
#include "ipc/signals.h"
#include "postmaster/children.h"
#include "postmaster/launch.h"
#include "postmaster/lock_file.h"
#include "shmem/pmsignal.h"

namespace pmemu::postmaster {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kSigkillAfter = std::chrono::seconds(5);

backend::Admission to_backend_admission(ConnAdmission a) {
  switch (a) {
    case ConnAdmission::Ok: return backend::Admission::Ok;
    case ConnAdmission::StartingUp: return backend::Admission::StartingUp;
    case ConnAdmission::ShuttingDown: return backend::Admission::ShuttingDown;
    case ConnAdmission::NotConsistent: return backend::Admission::NotConsistent;
    case ConnAdmission::HotStandbyOff: return backend::Admission::HotStandbyOff;
    case ConnAdmission::InRecoveryMode: return backend::Admission::InRecoveryMode;
    case ConnAdmission::NotAccepted: return backend::Admission::ShuttingDown;
  }
  return backend::Admission::ShuttingDown;
}

// postmaster.before_state.<STATE>: the catalogue lists them in PmState order.
faults::PointId before_state_point(PmState s) {
  static_assert(faults::point_id("postmaster.before_state.PM_NO_CHILDREN") -
                    faults::point_id("postmaster.before_state.PM_INIT") ==
                static_cast<int>(PmState::NoChildren) - static_cast<int>(PmState::Init));
  return faults::point_id("postmaster.before_state.PM_INIT") + static_cast<faults::PointId>(s);
}

// In the postmaster, `wait` parks the loop; SIGQUIT (immediate stop) ends the
// park so the loop can act on it. Nothing here touches a shared lock.
bool postmaster_leaves_fault_wait() { return ipc::pending(ipc::Sig::Quit); }

class Server {
 public:
  explicit Server(ServerSetup& s)
      : setup_(s), children_(s.shmem_params.num_child_slots) {
    faults::set_process_hooks({.in_postmaster = true, .leave_wait = postmaster_leaves_fault_wait});
    ctx_.restart_after_crash = ipc::env().settings.restart_after_crash;
    ctx_.hot_standby = ipc::env().settings.hot_standby;
  }

  int run() {
    apply_fault_setting();
    (void)faults::check(before_state_point(PmState::Init));
    dispatch(EvStart{});
    while (!exit_code_) {
      wait_for_work();
      children_.note_walsenders(pm());
      handle_signals();
      if (abort_deadline_ && Clock::now() >= *abort_deadline_) {
        abort_deadline_.reset();
        dispatch(EvAbortTimeout{});
      }
    }
    return *exit_code_;
  }

 private:
  shmem::PmSignalData& pm() { return *ipc::env().areas.pmsignal; }

  void dispatch(const PmEvent& ev) {
    Step st = step(ctx_, ev, children_.counts(pm()));
    if (st.ctx.shutdown != ctx_.shutdown) events::emit("shutdown_request", {{"mode", shutdown_mode_name(st.ctx.shutdown)}});
    ctx_ = st.ctx;
    if (!ctx_.abort_timer_running) abort_deadline_.reset();
    // postmaster.before_state.<STATE> fires before every action of the step
    // that leads to STATE (the signals and forks pm_state orders before the
    // change itself), so a `wait` there holds the whole transition.
    bool transition_start = true;
    for (std::size_t i = 0; i < st.actions.size(); ++i) {
      if (exit_code_) break;
      if (transition_start) check_before_next_state(st.actions, i);
      transition_start = std::holds_alternative<ActStateChange>(st.actions[i]);
      perform(st.actions[i]);
    }
  }

  static void check_before_next_state(const std::vector<PmAction>& actions, std::size_t from) {
    for (std::size_t j = from; j < actions.size(); ++j) {
      if (auto* sc = std::get_if<ActStateChange>(&actions[j])) {
        (void)faults::check(before_state_point(sc->to));
        return;
      }
    }
  }

  void perform(const PmAction& a) {
    if (auto* l = std::get_if<ActLog>(&a)) {
      elog::log(elog::Level::Log, l->text);
    } else if (auto* s = std::get_if<ActSignal>(&a)) {
      children_.for_each_target(s->targets, pm(), [&](const Child& c) { signal_child(c, s->signo, s->why); });
    } else if (std::holds_alternative<ActRequestShutdownCheckpoint>(a)) {
      // The request goes into shared memory first, the signal is only the
      // doorbell. (A store, never a lock: the postmaster takes no locks there.)
      ipc::env().areas.checkpointer->shutdown_requested.store(1);
      children_.for_each_target(kTargetCheckpointer, pm(),
                                [&](const Child& c) { signal_child(c, SIGUSR2, "shutdown checkpoint"); });
    } else if (std::holds_alternative<ActTellWalsendersLastCycle>(a)) {
      pm().walsender_last_cycle.store(1);
      children_.for_each_target(kTargetWalSenders, pm(), [&](const Child& c) { signal_child(c, SIGUSR2, "last cycle"); });
    } else if (auto* l2 = std::get_if<ActLaunch>(&a)) {
      launch(l2->kind);
    } else if (auto* q = std::get_if<ActSetQuitReason>(&a)) {
      shmem::set_quit_reason(pm(), q->reason == QuitFor::Crash ? shmem::QuitReason::ForCrash
                                                                : shmem::QuitReason::ForStop);
    } else if (auto* p = std::get_if<ActSetPidStatus>(&a)) {
      update_lock_file_status(ipc::env().data_dir, p->status);
      if (p->status == "ready   ") events::emit("ready", {{"read_only", ctx_.state == PmState::HotStandby}});
    } else if (std::holds_alternative<ActReinitSharedMemory>(a)) {
      reinit_shared_memory();
    } else if (std::holds_alternative<ActStartAbortTimer>(a)) {
      if (!abort_deadline_) abort_deadline_ = Clock::now() + kSigkillAfter;
    } else if (auto* e = std::get_if<ActExit>(&a)) {
      exit_code_ = e->code;
    } else if (auto* sc = std::get_if<ActStateChange>(&a)) {
      events::emit("state", {{"from", state_name(sc->from)}, {"to", state_name(sc->to)}});
    } else if (auto* ce = std::get_if<ActChildExited>(&a)) {
      emit_exit(*ce);
    }
  }

  static const char* shutdown_mode_name(ShutdownMode m) {
    switch (m) {
      case ShutdownMode::Smart: return "smart";
      case ShutdownMode::Fast: return "fast";
      case ShutdownMode::Immediate: return "immediate";
      case ShutdownMode::None: break;
    }
    return "none";
  }

  static void emit_exit(const ActChildExited& ce) {
    const char* type = child_kind(ce.kind).backend_type;
    if (ce.status.signaled) {
      char buf[16];
      events::emit("exit", {{"child_pid", ce.pid}, {"child_type", type},
                            {"signal", events::signal_name(ce.status.signo, buf)}, {"crash", ce.crash}});
    } else {
      events::emit("exit", {{"child_pid", ce.pid}, {"child_type", type}, {"code", ce.status.code}, {"crash", ce.crash}});
    }
  }

  // Every signal the postmaster sends to a child goes through here, so each
  // one is in the event stream with its reason.
  void signal_child(const Child& c, int signo, const char* why) {
    ::kill(c.pid.get(), signo);
    char buf[16];
    events::emit("signal", {{"to_pid", c.pid.get()}, {"to_type", child_kind(children_.effective_kind(c, pm())).backend_type},
                            {"sig", events::signal_name(signo, buf)}, {"why", why}});
  }

  void launch(ChildKind kind) {
    auto slot = children_.take_slot();
    if (!slot) {
      elog::log(elog::Level::Log, "no free child slot for " + std::string(child_kind(kind).backend_type));
      return;
    }
    shmem::mark_slot_assigned(pm(), *slot);
    Pid pid = launch_aux(kind, *slot, &setup_.listeners);
    if (!pid.valid()) {
      elog::log(elog::Level::Log, "could not fork " + std::string(child_kind(kind).backend_type) +
                                      " process: " + std::strerror(errno));
      (void)shmem::release_slot(pm(), *slot);
      children_.free_slot(*slot);
      return;
    }
    children_.add(Child{pid, kind, *slot});
    events::emit("fork", {{"child_pid", pid.get()}, {"child_type", child_kind(kind).backend_type}});
  }

  // Arms the fault_points setting's points in the current segment (SPEC 10.3).
  void apply_fault_setting() {
    applied_fault_points_ = ipc::env().settings.fault_points;
    std::string error;
    if (!faults::apply_setting(*ipc::env().areas.faults, applied_fault_points_, &fault_setting_names_, &error))
      elog::log(elog::Level::Log, "could not apply fault_points: " + error);
  }

  void reinit_shared_memory() {
    setup_.segment->remove();
    setup_.segment.reset();
    children_.reset_slots();
    std::string error;
    auto gen = ++generation_;
    setup_.segment = create_shared_memory(setup_.shm_key, setup_.shmem_params, gen, &ipc::env().areas, &error);
    if (!setup_.segment) {
      elog::log(elog::Level::Fatal, error);
      exit_code_ = 1;
      return;
    }
    update_lock_file_shmem(ipc::env().data_dir, setup_.shm_key, gen);
    events::set_generation(static_cast<int>(gen - 1));  // children forked from now on inherit it
    events::emit("reinit");
    fault_setting_names_.clear();  // the new segment has nothing armed
    apply_fault_setting();
  }

  void wait_for_work() {
    std::vector<pollfd> fds;
    fds.push_back(pollfd{ipc::self_pipe_read_fd(), POLLIN, 0});
    // In PM_WAIT_DEAD_END and later nothing is accepted: clients wait in
    // the listen backlog, as with PostgreSQL.
    const bool accepting = admit_connection(ctx_) != ConnAdmission::NotAccepted;
    // Out of descriptors, the listen socket stays readable and accept keeps
    // failing: listen again only after a pause rather than spin on it.
    const bool paused = accept_paused_until_ && Clock::now() < *accept_paused_until_;
    if (accepting && !paused)
      for (auto& l : setup_.listeners) fds.push_back(pollfd{l.fd.get(), POLLIN, 0});
    int timeout_ms = paused ? static_cast<int>(kAcceptPause.count()) : 1000;
    if (abort_deadline_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*abort_deadline_ - Clock::now()).count();
      timeout_ms = static_cast<int>(std::max<long>(0, std::min<long>(left, timeout_ms)));
    }
    int rc = ::poll(fds.data(), fds.size(), timeout_ms);
    if (rc <= 0) return;
    if (fds[0].revents) ipc::drain_self_pipe();
    for (std::size_t i = 1; i < fds.size(); ++i)
      if (fds[i].revents & POLLIN) accept_on(setup_.listeners[i - 1]);
  }

  void accept_on(const ListenSocket& l) {
    for (int i = 0; i < 64; ++i) {  // drain the backlog a bit, then look at signals again
      Accepted a;
      if (!accept_connection(l, &a)) {
        if (errno == EMFILE || errno == ENFILE) {
          if (!accept_paused_until_)
            elog::log(elog::Level::Log, std::string("could not accept new connection: ") + std::strerror(errno));
          accept_paused_until_ = Clock::now() + kAcceptPause;
        }
        return;
      }
      accept_paused_until_.reset();
      start_connection(std::move(a));
    }
  }

  void start_connection(Accepted a) {
    backend::ConnectionStart cs;
    cs.sock_fd = a.fd.get();
    cs.is_unix = a.is_unix;
    cs.remote_host = a.remote_host;
    cs.remote_port = a.remote_port;
    ConnAdmission adm = admit_connection(ctx_);
    cs.admission = to_backend_admission(adm);
    std::optional<ChildSlot> slot;
    if (adm == ConnAdmission::Ok) {
      slot = children_.take_slot();
      if (!slot) cs.admission = backend::Admission::TooMany;
    }
    if (slot) shmem::mark_slot_assigned(pm(), *slot);
    Pid pid = launch_connection(cs, slot.value_or(ChildSlot{}), &setup_.listeners);
    if (!pid.valid()) {
      elog::log(elog::Level::Log, std::string("could not fork new process for connection: ") + std::strerror(errno));
      if (slot) {
        (void)shmem::release_slot(pm(), *slot);
        children_.free_slot(*slot);
      }
      return;
    }
    children_.add(Child{pid, slot ? ChildKind::Backend : ChildKind::DeadEnd, slot.value_or(ChildSlot{})});
    events::emit("fork", {{"child_pid", pid.get()}, {"child_type", "client backend"}, {"refused", !slot.has_value()}});
  }

  void handle_signals() {
    if (ipc::take(ipc::Sig::Chld)) reap_children();
    if (ipc::take(ipc::Sig::Hup)) reload();
    if (ipc::take(ipc::Sig::Usr1)) check_pm_signals();
    // The most drastic request wins; weaker ones after it are ignored by the machine.
    if (ipc::take(ipc::Sig::Quit)) dispatch(EvShutdownRequest{ShutdownMode::Immediate});
    if (ipc::take(ipc::Sig::Int)) dispatch(EvShutdownRequest{ShutdownMode::Fast});
    if (ipc::take(ipc::Sig::Term)) dispatch(EvShutdownRequest{ShutdownMode::Smart});
  }

  void reap_children() {
    for (;;) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) return;
      auto child = children_.remove(Pid{pid});
      if (!child) continue;
      ChildKind kind = children_.effective_kind(*child, pm());
      bool clean = true;
      if (child->slot.valid()) clean = shmem::release_slot(pm(), child->slot);
      ExitStatus st = WIFSIGNALED(status) ? ExitStatus::killed(WTERMSIG(status))
                                          : ExitStatus::exited(WEXITSTATUS(status));
      if (elog::enabled(elog::Level::Debug2))
        elog::log(elog::Level::Debug2, std::string(child_kind(kind).log_name) + " (PID " + std::to_string(pid) +
                                           ") exited with exit code " + std::to_string(st.code));
      dispatch(EvChildExit{kind, pid, st, clean});
      if (exit_code_) return;
    }
  }

  void reload() {
    auto& e = ipc::env();
    if (ctx_.shutdown > ShutdownMode::Smart) return;  // as PostgreSQL: no reloads once stopping fast
    elog::log(elog::Level::Log, "received SIGHUP, reloading configuration files");
    for (auto& m : e.config.reload()) {
      if (m.hint.empty()) elog::log(m.level, m.message);
      else elog::log_detail(m.level, m.message, m.hint);
    }
    e.settings = e.config.settings();
    elog::set_min_level(e.settings.log_min_messages);
    if (e.settings.fault_points != applied_fault_points_) apply_fault_setting();  // before config_reloaded: tests wait on it
    events::emit("config_reloaded", {{"log_min_messages", elog::level_name(elog::min_level())}});
    if (auto err = ipc::load_auth_files(); !err.empty())
      elog::log(elog::Level::Log, err + "; pg_hba.conf and roles were not reloaded");
    ctx_.restart_after_crash = e.settings.restart_after_crash;
    children_.for_each_target(kTargetAll & ~kTargetDeadEnds, pm(),
                              [&](const Child& c) { signal_child(c, SIGHUP, "reload"); });
  }

  void check_pm_signals() {
    using shmem::PmSignalReason;
    if (shmem::check_postmaster_signal(pm(), PmSignalReason::RecoveryStarted))
      dispatch(EvPmSignal{PmSignal::RecoveryStarted});
    if (shmem::check_postmaster_signal(pm(), PmSignalReason::BeginHotStandby))
      dispatch(EvPmSignal{PmSignal::BeginHotStandby});
    if (shmem::check_postmaster_signal(pm(), PmSignalReason::StartWalReceiver))
      dispatch(EvPmSignal{PmSignal::StartWalReceiver});
    if (shmem::check_postmaster_signal(pm(), PmSignalReason::AdvanceStateMachine))
      dispatch(EvPmSignal{PmSignal::AdvanceStateMachine});
    // pmctl promote writes promote.signal and rings SIGUSR1; the startup
    // process (if any) is told with SIGUSR2 and checks the file itself.
    if (::access((ipc::env().data_dir + "/promote.signal").c_str(), F_OK) == 0)
      children_.for_each_target(kTargetStartup, pm(), [&](const Child& c) { signal_child(c, SIGUSR2, "promote"); });
  }

  ServerSetup& setup_;
  ChildTable children_;
  PmContext ctx_;
  std::optional<Clock::time_point> abort_deadline_;
  // Set while accepting is paused after EMFILE/ENFILE.
  std::optional<Clock::time_point> accept_paused_until_;
  static constexpr std::chrono::milliseconds kAcceptPause{100};
  std::optional<int> exit_code_;
  std::uint64_t generation_ = 1;
  std::string applied_fault_points_;
  std::vector<std::string> fault_setting_names_;  // the points the setting armed
};

}  // namespace

int run_server_loop(ServerSetup& setup) {
  Server server(setup);
  return server.run();
}

}  // namespace pmemu::postmaster
