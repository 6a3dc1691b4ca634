#include "postmaster/launch.h"

#include <csignal>
#include <unistd.h>

#include "checkpointer/checkpointer_main.h"
#include "common/elog.h"
#include "ipc/my_mailbox.h"
#include "ipc/pm_death.h"
#include "ipc/process_env.h"
#include "ipc/signals.h"
#include "startup/startup_main.h"
#include "walreceiver/walreceiver_main.h"

namespace pmemu::postmaster {
namespace {

constexpr ProcessKind kKinds[] = {
    {ChildKind::Startup, "startup", true, "one"},
    {ChildKind::Checkpointer, "checkpointer", true, "one"},
    {ChildKind::Backend, "client backend", true, "max_connections"},
    {ChildKind::WalSender, "walsender", true, "max_wal_senders"},
    {ChildKind::DeadEnd, "client backend", false, "none: refused connections"},
    {ChildKind::WalReceiver, "walreceiver", true, "one"},
};

// Everything a fresh child does before its entry point, as PostgreSQL's
// InitPostmasterChild: own self-pipe, default signal dispositions, no
// listening sockets, no write end of the death pipe, and a session of its
// own so that a signal meant for one child's process group (kill(0, ...) in
// a child, a terminal's Ctrl-C) never reaches the postmaster or its other
// children. Children still end with the postmaster: they watch it through
// the death pipe, and every shutdown signals each child by pid.
void become_child(ChildKind kind, ChildSlot slot, std::vector<ListenSocket>* listeners) {
  (void)::setsid();
  for (auto& l : *listeners) l.fd.reset();
  ipc::reinit_after_fork();
  for (int s : {SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM}) ipc::default_signal(s);
  ipc::ignore_signal(SIGPIPE);
  ipc::child_close_death_pipe_write_end();
  ipc::env().my_slot = slot;
  elog::set_process_type(process_kind(kind).backend_type);
  if (slot.valid()) {
    // SIGUSR2 only rings the doorbell (SPEC 8): messages, a stop flag or a
    // promote file say why, and every wait wakes for it.
    ipc::catch_signal(SIGUSR2, ipc::Sig::Usr2);
    if (auto err = ipc::imessage::open_my_mailbox(); !err.empty()) {
      elog::log(elog::Level::Fatal, "could not open the message queue: " + err);
      _exit(1);
    }
  }
}

}  // namespace

const ProcessKind& process_kind(ChildKind kind) {
  for (auto& k : kKinds)
    if (k.kind == kind) return k;
  return kKinds[0];
}

Pid launch_aux(ChildKind kind, ChildSlot slot, std::vector<ListenSocket>* listeners) {
  pid_t pid = ::fork();
  if (pid != 0) return Pid{pid > 0 ? pid : 0};
  become_child(kind, slot, listeners);
  switch (kind) {
    case ChildKind::Startup: startup::startup_main();
    case ChildKind::Checkpointer: checkpointer::checkpointer_main();
    case ChildKind::WalReceiver: walreceiver::walreceiver_main();
    default: break;
  }
  _exit(1);
}

Pid launch_connection(const backend::ConnectionStart& conn, ChildSlot slot, std::vector<ListenSocket>* listeners) {
  pid_t pid = ::fork();
  if (pid != 0) return Pid{pid > 0 ? pid : 0};
  become_child(slot.valid() ? ChildKind::Backend : ChildKind::DeadEnd, slot, listeners);
  backend::backend_main(conn);
}

}  // namespace pmemu::postmaster
