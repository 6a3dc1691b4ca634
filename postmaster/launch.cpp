#include "postmaster/launch.h"

#include <csignal>
#include <unistd.h>

#include "checkpointer/checkpointer_main.h"
#include "common/elog.h"
#include "faults/registry.h"
#include "ipc/child_exit.h"
#include "ipc/my_mailbox.h"
#include "ipc/pm_death.h"
#include "ipc/process_env.h"
#include "ipc/signals.h"
#include "startup/startup_main.h"
#include "walreceiver/walreceiver_main.h"
#include "walsender/walsender_main.h"

namespace pmemu::postmaster {
namespace {

// The auxiliary processes' entry points; see child_kinds.h for the rest of
// what describes a kind.
struct AuxEntry {
  ChildKind kind;
  void (*main)();  // [[noreturn]]: leaves with _exit
};
constexpr AuxEntry kAuxEntries[] = {
    {ChildKind::Startup, &startup::startup_main},
    {ChildKind::Checkpointer, &checkpointer::checkpointer_main},
    {ChildKind::WalReceiver, &walreceiver::walreceiver_main},
};

// Every signal stays blocked from just before fork() until the child has its
// own handlers, as PostgreSQL forks with BlockSig. The postmaster may signal a
// child it forked a moment ago (a SIGHUP it took in the same loop turn makes
// it reload and signal every child): unblocked, that SIGHUP found the
// postmaster's handler, whose flag reinit_after_fork() then cleared (the child
// kept the old settings), or the default action (the child died).
class SignalsBlocked {
 public:
  SignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_BLOCK, &all, &saved_);
  }
  ~SignalsBlocked() { restore(); }
  SignalsBlocked(const SignalsBlocked&) = delete;
  SignalsBlocked& operator=(const SignalsBlocked&) = delete;
  void restore() { ::sigprocmask(SIG_SETMASK, &saved_, nullptr); }

 private:
  sigset_t saved_{};
};

// Everything a fresh child does before its entry point, as PostgreSQL's
// InitPostmasterChild: own self-pipe, default signal dispositions (but
// SIGHUP, which every child takes as "reload", is caught at once), no
// listening sockets, no write end of the death pipe, and a session of its
// own so that a signal meant for one child's process group (kill(0, ...) in
// a child, a terminal's Ctrl-C) never reaches the postmaster or its other
// children. Children still end with the postmaster: they watch it through
// the death pipe, and every shutdown signals each child by pid. Then the
// signals the postmaster blocked across fork() are let in.
// A child parked at a fault point still ends with the postmaster and on
// SIGQUIT (which it may catch as a flag, as backends do).
bool child_leaves_fault_wait() { return !ipc::postmaster_alive() || ipc::pending(ipc::Sig::Quit); }

void become_child(ChildKind kind, ChildSlot slot, std::vector<ListenSocket>* listeners, SignalsBlocked& blocked) {
  (void)::setsid();
  for (auto& l : *listeners) l.fd.reset();
  ipc::reinit_after_fork();
  for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM}) ipc::default_signal(s);
  ipc::catch_signal(SIGHUP, ipc::Sig::Hup);
  ipc::ignore_signal(SIGPIPE);
  ipc::child_close_death_pipe_write_end();
  ipc::env().my_slot = slot;
  elog::set_process_type(child_kind(kind).backend_type);
  if (slot.valid()) {
    // SIGUSR2 only rings the doorbell (SPEC 8): messages, a stop flag or a
    // promote file say why, and every wait wakes for it.
    ipc::catch_signal(SIGUSR2, ipc::Sig::Usr2);
    if (auto err = ipc::imessage::open_my_mailbox(); !err.empty()) {
      elog::log(elog::Level::Fatal, "could not open the message queue: " + err);
      _exit(1);
    }
  }
  faults::set_process_hooks({.has_client = kind == ChildKind::Backend,
                             .exit_process = ipc::exit_child_cleanly,
                             .leave_wait = child_leaves_fault_wait});
  blocked.restore();
}

}  // namespace

Pid launch_aux(ChildKind kind, ChildSlot slot, std::vector<ListenSocket>* listeners) {
  (void)FAULT_POINT("postmaster.before_fork");
  SignalsBlocked blocked;
  pid_t pid = ::fork();
  if (pid != 0) return Pid{pid > 0 ? pid : 0};
  become_child(kind, slot, listeners, blocked);
  for (const AuxEntry& e : kAuxEntries)
    if (e.kind == kind) e.main();
  _exit(1);  // not an auxiliary kind: a bug in the caller
}

Pid launch_connection(const backend::ConnectionStart& conn, ChildSlot slot, std::vector<ListenSocket>* listeners) {
  (void)FAULT_POINT("postmaster.before_fork");
  SignalsBlocked blocked;
  pid_t pid = ::fork();
  if (pid != 0) return Pid{pid > 0 ? pid : 0};
  become_child(slot.valid() ? ChildKind::Backend : ChildKind::DeadEnd, slot, listeners, blocked);
  backend::ConnectionStart start = conn;
  start.become_walsender = &walsender::walsender_main;
  backend::backend_main(start);
}

}  // namespace pmemu::postmaster
