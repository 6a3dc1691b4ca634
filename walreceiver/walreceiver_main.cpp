// The walreceiver: connects to the primary with libpq and streams the
// timeline the startup process asked for into pg_wal (receive_loop.cpp).
// When the primary ends that timeline it stays connected and goes Waiting;
// the startup process, having replayed to the end of it and read the new
// history file, hands it the next timeline and start (Restarting), and the
// same connection streams on. On any break it exits (FATAL, exit 1); the
// startup process asks for a new one after wal_retrieve_retry_interval.
#include "walreceiver/walreceiver_main.h"

#include "faults/registry.h"

#include <csignal>
#include <cstdio>
#include <unistd.h>

#include "common/elog.h"
#include "events/events.h"
#include "ipc/reload.h"
#include "ipc/child_exit.h"
#include "ipc/lsn_notice.h"
#include "ipc/pm_death.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "walreceiver/history_fetch.h"
#include "walreceiver/receive_loop.h"
#include "walreceiver/walreceiver_proc.h"

namespace pmemu::walreceiver {

using elog::Level;

replication::WalRcvData& rcv() { return *ipc::env().areas.walrcv; }

PrimaryConn& primary() {
  static PrimaryConn conn;
  return conn;
}

void wake_startup() {
  auto* procs = ipc::env().areas.procs;
  if (auto* slot = procs->get(ChildSlot{rcv().startup_latch_slot.load()})) shmem::set_latch(slot->latch);
}

void tell_startup_flushed(Lsn flushed) {
  (void)ipc::notify_lsn(ChildSlot{rcv().startup_latch_slot.load()}, ipc::imessage::MessageType::WalReceivedFlushed,
                        flushed);
}

void walrcv_leave(int code) {
  primary().close();
  rcv().ready_to_display.store(0);
  rcv().pid.store(0);
  rcv().set_stopped();
  wake_startup();
  ipc::exit_child_cleanly(code);
}

void walrcv_fatal(const ConnError& error) {
  if (!error.detail.empty()) elog::log_detail(Level::Fatal, error.message, error.detail);
  else if (!error.hint.empty()) elog::log_hint(Level::Fatal, error.message, error.hint);
  else elog::log(Level::Fatal, error.message);
  walrcv_leave(1);
}

void check_interrupts() {
  using ipc::Sig;
  if (ipc::take(Sig::Term)) walrcv_fatal("terminating walreceiver process due to administrator command");
  if (ipc::pending(Sig::Pwr) && !ipc::postmaster_alive()) walrcv_leave(1);
  (void)ipc::reload_if_requested();
}

namespace {

// What the startup process asked for: published by Starting or Restarting.
struct StartPoint {
  Lsn lsn;
  TimeLineId tli;
};
StartPoint requested_start() { return StartPoint{Lsn{rcv().receive_start}, TimeLineId{rcv().receive_start_tli}}; }

// The connection string: primary_conninfo plus what a walreceiver always
// asks for. application_name falls back to cluster_name, then "walreceiver"
// (SPEC 7); a value in primary_conninfo wins over the fallback.
std::string full_conninfo(const char* conninfo) {
  auto& s = ipc::env().settings;
  std::string fallback = s.cluster_name.empty() ? "walreceiver" : s.cluster_name;
  return std::string(conninfo) + " dbname=replication replication=true fallback_application_name='" + fallback +
         "'";
}

// IDENTIFY_SYSTEM on every (re)start, as PostgreSQL: the same system, and a
// primary timeline no older than the one to stream; then the history files
// of every timeline up to the primary's.
void check_primary(PrimaryConn& conn, TimeLineId tli) {
  auto& e = ipc::env();
  auto id = conn.identify_system();
  if (auto* err = std::get_if<ConnError>(&id)) walrcv_fatal(*err);
  const auto& primary_id = std::get<PrimaryIdentity>(id);
  if (primary_id.system_identifier != std::to_string(e.system_identifier))
    walrcv_fatal(ConnError{"database system identifier differs between the primary and standby",
                           "The primary's identifier is " + primary_id.system_identifier +
                               ", the standby's identifier is " + std::to_string(e.system_identifier) + ".",
                           ""});
  if (primary_id.tli < tli)
    walrcv_fatal("highest timeline " + std::to_string(primary_id.tli.get()) +
                 " of the primary is behind recovery timeline " + std::to_string(tli.get()));
  if (auto err = fetch_missing_histories(conn, tli, primary_id.tli, e.data_dir + "/pg_wal")) walrcv_fatal(*err);
}

void publish_sender(PrimaryConn& conn) {
  std::snprintf(rcv().sender_host, sizeof rcv().sender_host, "%s", conn.host().c_str());
  rcv().sender_port.store(conn.port());
  rcv().ready_to_display.store(1);
}

// The walreceiver_state event (SPEC 10.1) with what shared memory says now.
void emit_state() {
  auto& r = rcv();
  events::emit("walreceiver_state", {{"status", state_name(r.current())}, {"tli", r.received_tli.load()},
                                     {"flushed", events::Lsn{r.flushed_upto.load().get()}}});
}

// Streams one timeline from `start`; returns once the primary ended it
// (and we fetched the history of the timeline it named next). False if the
// primary had nothing to stream.
bool stream_timeline(PrimaryConn& conn, StartPoint start, bool first) {
  auto begun = conn.start_streaming(rcv().slot_name, start.lsn, start.tli);
  if (auto* err = std::get_if<ConnError>(&begun)) walrcv_fatal(*err);
  if (std::get<StreamStart>(begun) == StreamStart::NoMoreWal) {
    elog::log(Level::Log, "primary server contains no more WAL on requested timeline " +
                              std::to_string(start.tli.get()));
    return false;
  }
  elog::log(Level::Log, std::string(first ? "started streaming WAL from primary at " : "restarted WAL streaming at ") +
                            start.lsn.str() + " on timeline " + std::to_string(start.tli.get()));
  events::emit("walreceiver_state", {{"status", "streaming"}, {"tli", start.tli.get()}, {"flushed", events::Lsn{start.lsn.get()}}});
  publish_sender(conn);
  if (receive_stream(conn, start.lsn, start.tli) == StreamEnd::PrimaryStopped) walrcv_leave(1);
  auto next = conn.end_streaming();
  if (auto* err = std::get_if<ConnError>(&next)) walrcv_fatal(*err);
  const TimeLineId next_tli = std::get<TimeLineId>(next);
  if (next_tli.get() != 0) {
    if (auto err = fetch_missing_histories(conn, start.tli, next_tli, ipc::env().data_dir + "/pg_wal"))
      walrcv_fatal(*err);
  }
  return true;
}

// Streaming -> Waiting, then sleep until the startup process says where to
// go on (Restarting -> Streaming) or that we are done (Stopping).
StartPoint wait_for_new_start() {
  auto& r = rcv();
  if (!r.transition(replication::WalRcvState::Streaming, replication::WalRcvState::Waiting)) walrcv_leave(1);  // Stopping
  emit_state();
  ipc::set_ps_title("walreceiver idle");
  wake_startup();
  for (;;) {
    check_interrupts();
    if (r.transition(replication::WalRcvState::Restarting, replication::WalRcvState::Streaming)) {
      StartPoint next = requested_start();
      ipc::set_ps_title("walreceiver restarting at " + next.lsn.str());
      return next;
    }
    if (r.current() == replication::WalRcvState::Stopping) walrcv_leave(1);
    if (ipc::wait_on_my_latch(ipc::WaitSpec{}) & ipc::kWaitPostmasterDeath) walrcv_leave(1);
  }
}

}  // namespace

void walreceiver_main() {
  using ipc::Sig;
  auto& e = ipc::env();
  ipc::set_ps_title("walreceiver");
  ipc::catch_signal(SIGTERM, Sig::Term);
  ipc::catch_signal(SIGHUP, Sig::Hup);
  ipc::catch_signal(SIGUSR1, Sig::Usr1);
  ipc::ignore_signal(SIGINT);
  ipc::quit_exits_immediately();
  auto* slot = ipc::my_proc_slot();
  shmem::proc_slot_begin(*slot, ::getpid(), 0, "walreceiver");
  shmem::mark_child_active(*e.areas.pmsignal, e.my_slot);

  rcv().walrcv_latch_slot.store(e.my_slot.get());
  if (!rcv().transition(replication::WalRcvState::Starting, replication::WalRcvState::Streaming)) walrcv_leave(1);
  rcv().pid.store(::getpid());
  StartPoint start = requested_start();

  PrimaryConn& conn = primary();
  (void)FAULT_POINT("walreceiver.before_connect");
  auto err = conn.connect(full_conninfo(rcv().conninfo));
  check_interrupts();
  if (err) walrcv_fatal(*err);

  for (bool streamed = false;;) {
    check_primary(conn, start.tli);
    streamed = stream_timeline(conn, start, !streamed) || streamed;
    start = wait_for_new_start();
  }
}

}  // namespace pmemu::walreceiver
