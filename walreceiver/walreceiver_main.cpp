// The walreceiver: connects to the primary with libpq, streams WAL into
// pg_wal, fsyncs it, publishes the flushed position in WalRcvData, wakes the
// startup process and sends status replies. On any break it exits (FATAL,
// exit 1); the startup process asks for a new one after
// wal_retrieve_retry_interval.
#include "walreceiver/walreceiver_main.h"

#include <libpq-fe.h>
#include <poll.h>

#include <chrono>
#include <memory>
#include <csignal>
#include <cstring>
#include <string>
#include <unistd.h>

#include "common/elog.h"
#include "ipc/pm_death.h"
#include "ipc/child_exit.h"
#include "ipc/lsn_notice.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "startup/recovery_shmem.h"
#include "protocol/stream_messages.h"
#include "walreceiver/wal_file_writer.h"
#include "walreceiver/walrcv_data.h"

namespace pmemu::walreceiver {
namespace {

using elog::Level;
using protocol::Keepalive;
using protocol::XLogData;
using protocol::now_pg_micros;
using protocol::pack_status_reply;
using protocol::parse_stream_message;
using Clock = std::chrono::steady_clock;

PGconn* g_conn = nullptr;

WalRcvData& rcv() { return *ipc::env().areas.walrcv; }

// Our state changed (we are leaving): the startup process looks at it.
void wake_startup() {
  auto* procs = ipc::env().areas.procs;
  if (auto* slot = procs->get(ChildSlot{rcv().startup_latch_slot.load()})) shmem::set_latch(slot->latch);
}

// WAL is on disk up to `flushed`: the startup process may replay it.
void publish_flushed(Lsn flushed) {
  rcv().flushed_upto.store(flushed.get(), std::memory_order_release);
  (void)ipc::notify_lsn(ChildSlot{rcv().startup_latch_slot.load()},
                        ipc::imessage::MessageType::kWalReceivedFlushed, flushed);
}

[[noreturn]] void leave(int code) {
  if (g_conn) PQfinish(g_conn);
  rcv().ready_to_display.store(0);
  rcv().pid.store(0);
  rcv().state.store(static_cast<std::uint32_t>(WalRcvState::Stopped), std::memory_order_release);
  wake_startup();
  ipc::exit_child_cleanly(code);
}

[[noreturn]] void fatal(const std::string& msg, const std::string& detail = {}) {
  if (detail.empty()) elog::log(Level::Fatal, msg);
  else elog::log_detail(Level::Fatal, msg, detail);
  leave(1);
}

std::string last_error() {
  std::string s = g_conn ? PQerrorMessage(g_conn) : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void check_interrupts() {
  using ipc::Sig;
  if (ipc::take(Sig::Term)) fatal("terminating walreceiver process due to administrator command");
  if (ipc::pending(Sig::Pwr) && !ipc::postmaster_alive()) leave(1);
  if (ipc::take(Sig::Hup)) {
    auto& e = ipc::env();
    for (auto& m : e.config.reload()) (void)m;
    e.settings = e.config.settings();
  }
}

PGresult* exec_or_die(const std::string& sql) {
  PGresult* r = PQexec(g_conn, sql.c_str());
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    std::string err = last_error();
    PQclear(r);
    fatal("could not receive database system identifier and timeline ID from the primary server: " + err);
  }
  return r;
}

// The connection string: primary_conninfo plus what a walreceiver always
// asks for. application_name falls back to cluster_name, then "walreceiver"
// (SPEC 7); a value in primary_conninfo wins over the fallback.
std::string full_conninfo(const char* conninfo) {
  auto& s = ipc::env().settings;
  std::string fallback = s.cluster_name.empty() ? "walreceiver" : s.cluster_name;
  return std::string(conninfo) + " dbname=replication replication=true fallback_application_name='" + fallback +
         "'";
}

// The startup process's replay position: the apply field of status replies.
Lsn replayed() { return Lsn{ipc::env().areas.recovery->replayed_upto.load(std::memory_order_acquire)}; }

Lsn last_reported_apply;

bool send_reply(Lsn written, Lsn flushed, bool reply_requested) {
  last_reported_apply = replayed();
  std::string msg = pack_status_reply(written, flushed, replayed(), now_pg_micros(), reply_requested);
  if (PQputCopyData(g_conn, msg.data(), static_cast<int>(msg.size())) <= 0 || PQflush(g_conn) < 0) return false;
  return true;
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

  auto expected = static_cast<std::uint32_t>(WalRcvState::Starting);
  if (!rcv().state.compare_exchange_strong(expected, static_cast<std::uint32_t>(WalRcvState::Streaming))) leave(1);
  rcv().pid.store(::getpid());
  const Lsn start{rcv().receive_start};
  const std::uint32_t tli = rcv().receive_start_tli;

  g_conn = PQconnectdb(full_conninfo(rcv().conninfo).c_str());
  check_interrupts();
  if (PQstatus(g_conn) != CONNECTION_OK) fatal("could not connect to the primary server: " + last_error());

  PGresult* id = exec_or_die("IDENTIFY_SYSTEM");
  if (PQnfields(id) < 3 || PQntuples(id) != 1) fatal("invalid response from primary server");
  const std::string primary_sysid = PQgetvalue(id, 0, 0);
  const std::uint32_t primary_tli = static_cast<std::uint32_t>(std::stoul(PQgetvalue(id, 0, 1)));
  PQclear(id);
  if (primary_sysid != std::to_string(e.system_identifier))
    fatal("database system identifier differs between the primary and standby",
          "The primary's identifier is " + primary_sysid + ", the standby's identifier is " +
              std::to_string(e.system_identifier) + ".");
  if (primary_tli < tli)
    fatal("highest timeline " + std::to_string(primary_tli) + " of the primary is behind recovery timeline " +
          std::to_string(tli));

  std::string cmd = "START_REPLICATION";
  if (rcv().slot_name[0]) cmd += std::string(" SLOT \"") + rcv().slot_name + "\"";
  cmd += " " + start.str() + " TIMELINE " + std::to_string(tli);
  PGresult* sr = PQexec(g_conn, cmd.c_str());
  if (PQresultStatus(sr) != PGRES_COPY_BOTH) {
    std::string err = last_error();
    PQclear(sr);
    fatal("could not start WAL streaming: " + err);
  }
  PQclear(sr);
  elog::log(Level::Log, "started streaming WAL from primary at " + start.str() + " on timeline " + std::to_string(tli));
  {
    const char* host = PQhost(g_conn);
    const char* port = PQport(g_conn);
    std::snprintf(rcv().sender_host, sizeof rcv().sender_host, "%s", host ? host : "");
    rcv().sender_port.store(port ? std::atoi(port) : 0);
  }
  rcv().received_tli.store(tli);
  rcv().ready_to_display.store(1);

  WalFileWriter writer(e.data_dir + "/pg_wal", e.wal_segment_size, TimeLineId{tli}, e.settings.fsync);
  Lsn written = start, flushed = start;
  (void)send_reply(written, flushed, false);
  auto last_reply = Clock::now();
  auto last_receipt = Clock::now();
  bool pinged = false;

  for (;;) {
    check_interrupts();
    ipc::set_ps_title("walreceiver streaming " + flushed.str());
    bool got_data = false;
    for (;;) {
      char* buf = nullptr;
      int n = PQgetCopyData(g_conn, &buf, 1);
      if (n == 0) break;
      if (n == -1) {
        PGresult* r = PQgetResult(g_conn);
        const bool clean = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (got_data) (void)writer.flush();  // best effort: the stream has ended anyway
        if (clean) {
          elog::log_detail(Level::Log, "replication terminated by primary server",
                           "End of WAL reached on timeline " + std::to_string(tli) + " at " + writer.end().str() + ".");
          publish_flushed(writer.end());
          leave(1);
        }
        fatal("could not receive data from WAL stream: " + last_error());
      }
      if (n == -2) fatal("could not receive data from WAL stream: " + last_error());
      last_receipt = Clock::now();
      pinged = false;
      // msg points into buf: free buf only once msg has been handled.
      std::unique_ptr<char, decltype(&PQfreemem)> owned(buf, &PQfreemem);
      auto msg = parse_stream_message(std::string_view(buf, static_cast<std::size_t>(n)));
      if (auto* w = std::get_if<XLogData>(&msg)) {
        if (auto err = writer.write(w->start, w->data); !err.empty()) fatal(err);
        written = writer.end();
        rcv().written_upto.store(written.get(), std::memory_order_release);
        rcv().latest_wal_end.store(w->wal_end.get());
        rcv().last_msg_send_time.store(w->send_time);
        rcv().last_msg_receipt_time.store(now_pg_micros());
        got_data = true;
      } else if (auto* k = std::get_if<Keepalive>(&msg)) {
        rcv().latest_wal_end.store(k->wal_end.get());
        rcv().last_msg_send_time.store(k->send_time);
        rcv().last_msg_receipt_time.store(now_pg_micros());
        if (k->reply_requested) {
          if (!send_reply(written, flushed, false)) fatal("could not send data to WAL stream: " + last_error());
          last_reply = Clock::now();
        }
      } else {
        fatal("unexpected message from the primary: " + std::get<std::string>(msg));
      }
    }
    if (got_data) {
      if (auto err = writer.flush(); !err.empty()) fatal(err);
      flushed = writer.end();
      // The reply first: a synchronous commit on the primary waits for it.
      if (!send_reply(written, flushed, false)) fatal("could not send data to WAL stream: " + last_error());
      last_reply = Clock::now();
      publish_flushed(flushed);
    }

    auto& s = e.settings;
    const auto now = Clock::now();
    // Replay moved since the last reply: report it now, so remote_apply
    // waits and pg_stat_replication's replay_lsn do not lag by a status interval.
    if (replayed() != last_reported_apply) {
      if (!send_reply(written, flushed, false)) fatal("could not send data to WAL stream: " + last_error());
      last_reply = now;
    }
    if (s.wal_receiver_status_interval.count() > 0 && now - last_reply >= s.wal_receiver_status_interval) {
      if (!send_reply(written, flushed, false)) fatal("could not send data to WAL stream: " + last_error());
      last_reply = now;
    }
    if (s.wal_receiver_timeout.count() > 0) {
      if (now - last_receipt >= s.wal_receiver_timeout) fatal("terminating walreceiver due to timeout");
      if (!pinged && now - last_receipt >= s.wal_receiver_timeout / 2) {
        if (!send_reply(written, flushed, true)) fatal("could not send data to WAL stream: " + last_error());
        pinged = true;
      }
    }

    ipc::WaitSpec w;
    w.latch = &slot->latch;
    w.socket_fd = PQsocket(g_conn);
    w.want_read = true;
    w.timeout_ms = 100;
    auto ev = ipc::wait_event(w);
    ipc::reset_latch(slot->latch);
    if (ev & ipc::kWaitPostmasterDeath) leave(1);
    if ((ev & ipc::kWaitSocketReadable) && PQconsumeInput(g_conn) == 0)
      fatal("could not receive data from WAL stream: " + last_error());
  }
}

}  // namespace pmemu::walreceiver
