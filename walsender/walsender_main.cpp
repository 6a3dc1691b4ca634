#include "walsender/walsender_main.h"

#include <csignal>
#include <unistd.h>

#include "common/elog.h"
#include "faults/registry.h"
#include "events/events.h"
#include "ipc/reload.h"
#include "ipc/pm_death.h"
#include "ipc/child_exit.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "protocol/backend_messages.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "replication/repl_slots.h"
#include "walsender/walsender_proc.h"

namespace pmemu::walsender {

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;

void WalSenderProc::set_state(replication::WalSndState s) {
  me->state.store(static_cast<std::uint32_t>(s));
  events::emit("walsender_state", {{"state", state_name(s)}, {"app", ipc::env().settings.application_name},
                                   {"sent", events::Lsn{me->sent.load().get()}}, {"flush", events::Lsn{me->flush.load().get()}}});
}

void WalSenderProc::set_title(const std::string& what) {
  ipc::set_ps_title("walsender " + user + " " + host_port + (what.empty() ? "" : " " + what));
}

void walsender_exit(WalSenderProc& p, int code) {
  (void)p.conn.try_flush();
  if (p.me) {
    replication::release_slots_of(*p.ctl, p.me->pid.load());
    replication::release_slot(*p.me);
  }
  ipc::exit_child_cleanly(code);
}

void walsender_fatal(WalSenderProc& p, const PgError& error) {
  PgError f = error;
  f.severity = protocol::Severity::Fatal;
  elog::log(elog::Level::Fatal, f.message);
  protocol::error_response(p.conn.out(), f);
  walsender_exit(p, 1);
}

bool flush_all(WalSenderProc& p) {
  for (;;) {
    if (!p.conn.try_flush()) return false;
    if (p.conn.pending() == 0) return true;
    ipc::WaitSpec w;
    w.socket_fd = p.conn.fd();
    w.want_write = true;
    w.timeout_ms = 1000;
    if (ipc::wait_event(w) & ipc::kWaitPostmasterDeath) walsender_exit(p, 1);
    check_interrupts(p);
  }
}

void nap(WalSenderProc& p, int ms) {
  ipc::WaitSpec w;
  w.timeout_ms = ms;
  if (ipc::wait_on_my_latch(w) & ipc::kWaitPostmasterDeath) walsender_exit(p, 1);
  check_interrupts(p);
}

void check_interrupts(WalSenderProc& p) {
  using ipc::Sig;
  if (ipc::pending(Sig::Quit)) _exit(2);
  if (ipc::take(Sig::Term))
    walsender_fatal(p, PgError::admin_shutdown());
  if (ipc::pending(Sig::Pwr) && !ipc::postmaster_alive()) walsender_exit(p, 1);
  (void)ipc::reload_if_requested();
  (void)ipc::take(Sig::Int);  // nothing to cancel between commands
  (void)ipc::take(Sig::Usr1);  // latch doorbell
  (void)ipc::take(Sig::Usr2);  // a doorbell: the reason is the postmaster's flag
  // PM_SHUTDOWN_2: the shutdown checkpoint is written; send the rest and stop.
  if (!p.last_cycle && ipc::env().areas.pmsignal->walsender_last_cycle.load()) {
    (void)FAULT_POINT("walsender.before_final_send");
    p.last_cycle = true;
  }
  if (p.me->stop_requested.load() || p.ctl->init_stopping.load()) {
    // PostgreSQL's HandleWalSndInitStopping: an idle walsender just goes,
    // a streaming one stays to send the shutdown checkpoint.
    if (!p.streaming)
      walsender_fatal(p, PgError::admin_shutdown());
    if (p.state() != replication::WalSndState::Stopping) p.set_state(replication::WalSndState::Stopping);
  }
}

namespace {

// Between commands: wait for a whole message, keeping an eye on signals.
// nullopt: the client closed the connection.
std::optional<protocol::FrontendCommand> next_command(WalSenderProc& p) {
  for (;;) {
    check_interrupts(p);
    // A client that does not read its answers gets no new command run.
    const bool held_back = p.conn.output_full();
    if (!held_back) {
      auto n = p.conn.next();
      if (auto* err = std::get_if<PgError>(&n)) walsender_fatal(p, *err);
      if (auto* cmd = std::get_if<protocol::FrontendCommand>(&n)) return *cmd;
    }
    if (!p.conn.try_flush()) return std::nullopt;
    if (held_back && !p.conn.output_full()) continue;
    ipc::WaitSpec w;
    w.socket_fd = p.conn.fd();
    w.want_read = !p.conn.output_full();
    w.want_write = p.conn.pending() > 0;
    auto ev = ipc::wait_on_my_latch(w);
    if (ev & ipc::kWaitPostmasterDeath) walsender_exit(p, 1);
    if ((ev & ipc::kWaitSocketReadable) && !p.conn.read_available()) return std::nullopt;
  }
}

}  // namespace

void walsender_main(const replication::WalSenderStart& start) {
  using ipc::Sig;
  ipc::catch_signal(SIGUSR2, Sig::Usr2);
  elog::set_process_type("walsender");
  auto& e = ipc::env();
  WalSenderProc p(start.sock_fd);
  p.ctl = e.areas.walsnd;
  p.user = start.user;
  p.host_port = start.host_port;

  replication::SlotIdentity who;
  who.proc_slot = e.my_slot.get();
  who.application_name = start.application_name;
  who.client_addr = start.client_addr;
  p.me = replication::claim_slot(*p.ctl, ::getpid(), who);
  if (!p.me) {
    const PgError refusal = PgError::too_many_wal_senders(e.settings.max_wal_senders);
    events::emit("refused", {{"sqlstate", refusal.sqlstate}, {"reason", refusal.message}});
    walsender_fatal(p, refusal);
  }
  p.conn.out() += start.startup_messages;
  p.conn.feed_pipelined(start.pipelined_input);
  // From here the postmaster spares us at PM_STOP_BACKENDS and signals us at
  // PM_SHUTDOWN_2; a shutdown already waiting must count again.
  shmem::mark_child_walsender(*e.areas.pmsignal, e.my_slot);
  faults::set_has_client(false);
  shmem::send_postmaster_signal(*e.areas.pmsignal, e.postmaster_pid, shmem::PmSignalReason::AdvanceStateMachine);
  p.set_title("idle");

  for (;;) {
    auto cmd = next_command(p);
    if (!cmd || std::holds_alternative<protocol::Terminate>(*cmd)) walsender_exit(p, 0);
    auto* q = std::get_if<protocol::Query>(&*cmd);
    if (!q) {
      if (std::holds_alternative<protocol::Sync>(*cmd) || std::holds_alternative<protocol::Flush>(*cmd)) continue;
      if (std::holds_alternative<protocol::ExtendedQuery>(*cmd)) {
        protocol::error_response(p.conn.out(), PgError::extended_query_not_supported());
        protocol::ready_for_query(p.conn.out(), protocol::TransactionStatus::Idle);
        continue;
      }
      walsender_fatal(p, PgError::fatal(sqlstate::kProtocolViolation, "unexpected message type outside its protocol phase"));
    }
    auto parsed = protocol::repl::parse_replication_command(q->sql);
    std::optional<PgError> err;
    if (auto* perr = std::get_if<PgError>(&parsed)) err = *perr;
    else err = exec_command(p, std::get<protocol::repl::Command>(parsed));
    if (err) protocol::error_response(p.conn.out(), *err);
    protocol::ready_for_query(p.conn.out(), protocol::TransactionStatus::Idle);
    p.set_title("idle");
  }
}

}  // namespace pmemu::walsender
