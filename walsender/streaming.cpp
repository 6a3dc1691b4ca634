// START_REPLICATION: the CopyBoth loop of PostgreSQL's WalSndLoop /
// XLogSendPhysical / WalSndDone. Only flushed WAL goes out; replies move the
// standby's positions into our replication::WalSnd slot; keepalives and the
// wal_sender_timeout guard a silent standby; on the last cycle (the
// postmaster's walsender_last_cycle, rung by SIGUSR2) everything through the
// shutdown checkpoint record is sent and confirmed before we leave. A
// timeline this server has left is streamed up to its switch point; then we
// end the COPY ourselves and, once the client has too, name the next
// timeline in a result set.
#include <algorithm>
#include <atomic>
#include <chrono>

#include "common/elog.h"
#include "faults/registry.h"
#include "ipc/lsn_notice.h"
#include "ipc/process_env.h"
#include "ipc/wait.h"
#include "protocol/backend_messages.h"
#include "protocol/stream_messages.h"
#include "shmem/proc_slots.h"
#include "replication/repl_slots.h"
#include "walsender/send_timeline.h"
#include "replication/sync_release.h"
#include "walsender/wal_source.h"
#include "walsender/walsender_proc.h"
#include "wal/timeline_file.h"
#include "wal/xlog_ctl.h"

namespace pmemu::walsender {
namespace {

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Stop queueing WAL while this much output waits for the socket.
constexpr std::size_t kMaxPendingOutput = 1024 * 1024;
// Flushes reach us as kWalFlushed imessages (or, if none could be queued,
// as a set latch); this only bounds a sleep with nothing else to wait for.
constexpr int kSafetyNetWaitMs = 1000;

Lsn flush_lsn() { return Lsn{ipc::env().areas.xlog->flushed.load(std::memory_order_acquire)}; }

struct Stream {
  WalSenderProc& p;
  WalSource source;
  SendTimeline send;
  std::string slot;  // empty: no slot
  Lsn sent;
  // How far WAL is flushed, as far as we were told: kWalFlushed messages
  // carry it; a set latch (the fallback when none could be queued, or the
  // shutdown handshake) makes us read the shared position instead.
  Lsn flushed = flush_lsn();
  Clock::time_point last_reply = Clock::now();
  bool ping_sent = false;
  bool client_done = false;  // the client sent CopyDone
  bool done_sending = false;  // we sent CopyDone: no CopyData may follow

  void keepalive(protocol::ReplyRequested request) {
    if (done_sending) return;
    protocol::copy_data(p.conn.out(), protocol::pack_keepalive(sent, protocol::now_pg_micros(), request));
  }

  void on_status_reply(const protocol::StatusReply& r) {
    auto& me = *p.me;
    me.write.store(r.write);
    me.flush.store(r.flush);
    me.apply.store(r.apply);
    me.reply_time.store(r.send_time);
    if (!slot.empty() && r.flush.valid()) replication::advance_slot(*p.ctl, slot, r.flush);
    auto& e = ipc::env();
    if (e.areas.syncrep)
      replication::release_sync_waiters(*p.ctl, *e.areas.syncrep, *e.areas.procs, e.settings.synchronous_standby_names);
    if (r.reply_requested) keepalive(protocol::ReplyRequested{false});
  }

  // Reads and handles everything the standby sent (ProcessRepliesIfAny).
  void process_replies() {
    if (!p.conn.read_available()) {
      elog::log(elog::Level::Log, "unexpected EOF on standby connection");
      walsender_exit(p, 0);
    }
    for (;;) {
      auto n = p.conn.next();
      if (std::holds_alternative<protocol::NeedMoreInput>(n)) return;
      if (auto* err = std::get_if<PgError>(&n)) walsender_fatal(p, *err);
      auto& cmd = std::get<protocol::FrontendCommand>(n);
      if (std::holds_alternative<protocol::Terminate>(cmd)) walsender_exit(p, 0);
      if (std::holds_alternative<protocol::CopyDone>(cmd)) {
        client_done = true;
        end_copy();
        continue;
      }
      auto* data = std::get_if<protocol::CopyData>(&cmd);
      if (!data) walsender_fatal(p, PgError::fatal(sqlstate::kProtocolViolation, "invalid standby message type"));
      last_reply = Clock::now();
      ping_sent = false;
      if (data->data.empty()) continue;
      if (data->data[0] == 'h') continue;  // hot standby feedback: nothing to hold back here
      if (data->data[0] != 'r')
        walsender_fatal(p, PgError::fatal(sqlstate::kProtocolViolation,
                                          std::string("unexpected message type \"") + data->data[0] + "\""));
      auto r = protocol::parse_status_reply(data->data);
      if (auto* why = std::get_if<std::string>(&r)) walsender_fatal(p, PgError::fatal(sqlstate::kProtocolViolation, *why));
      on_status_reply(std::get<protocol::StatusReply>(r));
    }
  }

  // Our side of the COPY ends (once): at the end of a historic timeline,
  // or in answer to the client's CopyDone.
  void end_copy() {
    if (done_sending) return;
    protocol::copy_done(p.conn.out());
    done_sending = true;
  }

  // Queues flushed WAL after `sent` (up to the switch point on a historic
  // timeline, then ends the COPY); true when caught up.
  bool send_wal() {
    if (done_sending) return true;
    const auto seg = ipc::env().wal_segment_size;
    Lsn upto = flushed;
    if (send.historic) upto = std::min(upto, send.valid_upto);
    while (sent < upto && p.conn.pending() < kMaxPendingOutput) {
      (void)FAULT_POINT("walsender.before_send");
      Lsn end = chunk_end(sent, upto, seg);
      std::string msg = protocol::pack_xlog_data_header(sent, upto, protocol::now_pg_micros());
      if (auto st = source.read(send.file_tli(sent, seg), sent, end, msg); !st.ok())
        walsender_fatal(p, PgError::fatal(sqlstate::kUndefinedFile, st.error));
      protocol::copy_data(p.conn.out(), msg);
      sent = end;
      p.me->sent.store(sent);
    }
    if (send.historic && sent >= send.valid_upto) end_copy();
    return sent >= upto;
  }

  // WalSndDone: leave once the standby confirmed all we sent (its flush if
  // it reports one, else its write), after the COPY 0 CommandComplete.
  void try_finish() {
    Lsn flush{p.me->flush.load()}, write{p.me->write.load()};
    Lsn replicated = flush.valid() ? flush : write;
    if (replicated >= sent && p.conn.pending() == 0) {
      protocol::command_complete(p.conn.out(), "COPY 0");
      flush_before_exit();
      // Not a PostgreSQL message: it makes the PM_SHUTDOWN_2 guarantee visible.
      elog::log(elog::Level::Log, "walsender stopping: standby confirmed WAL up to " + sent.str());
      walsender_exit(p, 0);
    }
    if (!ping_sent) {
      keepalive(protocol::ReplyRequested{true});
      ping_sent = true;
    }
  }

  void flush_before_exit() {
    auto deadline = Clock::now() + milliseconds(5000);
    while (p.conn.pending() > 0 && Clock::now() < deadline) {
      if (!p.conn.try_flush()) return;
      ipc::WaitSpec w;
      w.socket_fd = p.conn.fd();
      w.want_write = true;
      w.timeout_ms = 100;
      (void)ipc::wait_event(w);
    }
  }

  // Keepalive at timeout/2 of silence, the end at timeout. Returns how long
  // we may sleep before the next of those is due.
  int check_timeout() {
    const auto timeout = ipc::env().settings.wal_sender_timeout;
    if (timeout.count() <= 0) return kSafetyNetWaitMs;
    const auto now = Clock::now();
    if (now - last_reply >= timeout) {
      elog::log(elog::Level::Log, "terminating walsender process due to replication timeout");
      walsender_exit(p, 0);
    }
    auto ping_at = last_reply + timeout / 2;
    if (!ping_sent && now >= ping_at) {
      keepalive(protocol::ReplyRequested{true});
      ping_sent = true;
    }
    auto next = ping_sent ? last_reply + timeout : ping_at;
    auto ms = std::chrono::duration_cast<milliseconds>(next - now).count() + 1;
    return static_cast<int>(std::clamp<long long>(ms, 1, kSafetyNetWaitMs));
  }

  void loop() {
    for (;;) {
      check_interrupts(p);
      // The last cycle must reach the shutdown checkpoint, flushed before
      // we were told to stop: read it, whatever messages are still queued.
      if (p.last_cycle) flushed = std::max(flushed, flush_lsn());
      process_replies();
      if (client_done && done_sending) return;
      const bool caught_up = send_wal();
      if (caught_up && p.state() == replication::WalSndState::Catchup) p.set_state(replication::WalSndState::Streaming);
      if (caught_up && p.last_cycle) try_finish();
      const int sleep_ms = check_timeout();
      if (!p.conn.try_flush()) walsender_exit(p, 0);
      if (!caught_up && p.conn.pending() < kMaxPendingOutput) continue;
      ipc::WaitSpec w;
      w.socket_fd = p.conn.fd();
      w.want_read = true;
      w.want_write = p.conn.pending() > 0;
      w.timeout_ms = sleep_ms;
      ipc::wake_on_messages(w);
      auto ev = ipc::wait_on_my_latch(w);
      if (ev & ipc::kWaitPostmasterDeath) walsender_exit(p, 1);
      if (Lsn told = ipc::drain_lsn_notices(ipc::imessage::MessageType::WalFlushed); told > flushed) flushed = told;
      if (ev & ipc::kWaitLatch) flushed = std::max(flushed, flush_lsn());
    }
  }
};

// The history of the timeline we write on; only needed when a client asks
// for an older one.
std::variant<wal::TimelineHistory, PgError> current_history(TimeLineId current, std::optional<TimeLineId> requested) {
  if (!requested || *requested == current) return wal::TimelineHistory::single(current);
  auto h = wal::read_timeline_history(ipc::env().data_dir + "/pg_wal", current);
  if (auto* err = std::get_if<wal::TimelineHistoryError>(&h))
    return PgError::error(sqlstate::kInternalError, err->message).with_hint(err->hint);
  return std::get<wal::TimelineHistory>(h);
}

// After the COPY of a historic timeline: one row naming the next timeline
// and where it starts (int8 because a TimeLineID is unsigned 32-bit).
void next_timeline_result(WalSenderProc& p, const SendTimeline& send) {
  protocol::row_description(p.conn.out(), {protocol::Column{"next_tli", protocol::kInt8Type},
                                           protocol::Column{"next_tli_startpos", protocol::kTextType}});
  protocol::data_row(p.conn.out(), {std::to_string(send.next_tli.get()), send.valid_upto.str()});
}

}  // namespace

std::optional<PgError> start_replication(WalSenderProc& p, const protocol::repl::StartReplication& cmd) {
  auto& e = ipc::env();
  const TimeLineId current{e.areas.xlog->tli.load()};
  auto history = current_history(current, cmd.timeline);
  if (auto* err = std::get_if<PgError>(&history)) return *err;
  auto plan = plan_send_timeline(std::get<wal::TimelineHistory>(history), cmd.timeline, cmd.start);
  if (auto* err = std::get_if<PgError>(&plan)) return *err;
  const SendTimeline send = std::get<SendTimeline>(plan);
  if (cmd.slot) {
    if (auto err = replication::acquire_slot(*p.ctl, e.data_dir, *cmd.slot, p.me->pid.load())) return err;
  }
  if (!send.nothing_to_send(cmd.start)) {
    p.set_state(replication::WalSndState::Catchup);
    // From here on flushes are announced to us; pairs with replication::announce_flushed().
    std::atomic_thread_fence(std::memory_order_seq_cst);
    protocol::copy_both_response(p.conn.out());
    const Lsn flushed = flush_lsn();
    if (cmd.start > flushed) {
      p.set_state(replication::WalSndState::Startup);
      return PgError::error(sqlstate::kInternalError, "requested starting point " + cmd.start.str() +
                                                          " is ahead of the WAL flush position of this server " +
                                                          flushed.str());
    }
    Stream s{p, WalSource(e.data_dir + "/pg_wal", e.wal_segment_size), send, cmd.slot.value_or(""), cmd.start};
    p.me->sent.store(cmd.start);
    (void)FAULT_POINT("walsender.before_start_streaming");
    p.streaming = true;
    p.set_title("streaming " + cmd.start.str());
    s.loop();
    // Both sides ended the copy; finish the command as PostgreSQL does
    // (START_STREAMING, then the command's own tag).
    p.streaming = false;
    if (p.state() == replication::WalSndState::Stopping) walsender_exit(p, 0);  // shutting down: no new commands
    p.set_state(replication::WalSndState::Startup);
  }
  if (send.historic) next_timeline_result(p, send);
  protocol::command_complete(p.conn.out(), "START_STREAMING");
  protocol::command_complete(p.conn.out(), "START_REPLICATION");
  return std::nullopt;
}

}  // namespace pmemu::walsender
