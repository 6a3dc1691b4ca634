#include "walreceiver/receive_loop.h"

#include <chrono>

#include "common/elog.h"
#include "faults/registry.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/wait.h"
#include "protocol/stream_messages.h"
#include "shmem/proc_slots.h"
#include "recovery/recovery_shmem.h"
#include "walreceiver/wal_file_writer.h"
#include "walreceiver/walreceiver_proc.h"

namespace pmemu::walreceiver {
namespace {

using Clock = std::chrono::steady_clock;
using protocol::Keepalive;
using protocol::XLogData;
using protocol::now_pg_micros;

// The startup process's replay position: the apply field of status replies.
Lsn replayed() { return ipc::env().areas.recovery->replayed_upto.load(std::memory_order_acquire); }

struct Receiver {
  PrimaryConn& conn;
  TimeLineId tli;
  WalFileWriter writer;
  Lsn written, flushed;
  Lsn last_reported_apply;
  Clock::time_point last_reply = Clock::now();
  Clock::time_point last_receipt = Clock::now();
  bool pinged = false;

  void reply(protocol::ReplyRequested reply_requested) {
    last_reported_apply = replayed();
    if (!conn.send(protocol::pack_status_reply(written, flushed, last_reported_apply, now_pg_micros(),
                                               reply_requested)))
      walrcv_fatal("could not send data to WAL stream: " + conn.last_error());
    last_reply = Clock::now();
  }

  void on_message(std::string_view payload) {
    last_receipt = Clock::now();
    pinged = false;
    auto msg = protocol::parse_stream_message(payload);
    auto& r = rcv();
    if (auto* w = std::get_if<XLogData>(&msg)) {
      if (auto err = writer.write(w->start, w->data); !err.empty()) walrcv_fatal(err);
      written = writer.end();
      r.written_upto.store(written, std::memory_order_release);
      r.latest_wal_end.store(w->wal_end);
      r.last_msg_send_time.store(w->send_time);
      r.last_msg_receipt_time.store(now_pg_micros());
    } else if (auto* k = std::get_if<Keepalive>(&msg)) {
      r.latest_wal_end.store(k->wal_end);
      r.last_msg_send_time.store(k->send_time);
      r.last_msg_receipt_time.store(now_pg_micros());
      if (k->reply_requested) reply(protocol::ReplyRequested{false});
    } else {
      walrcv_fatal("unexpected message from the primary: " + std::get<std::string>(msg));
    }
  }

  // Makes everything written durable; false if there was nothing to flush.
  bool flush() {
    if (written == flushed) return false;
    (void)FAULT_POINT("walreceiver.after_write_before_flush");
    if (auto err = writer.flush(); !err.empty()) walrcv_fatal(err);
    flushed = writer.end();
    rcv().flushed_upto.store(flushed, std::memory_order_release);
    return true;
  }

  // Replies due by time or because replay moved (so remote_apply waits and
  // pg_stat_replication's replay_lsn do not lag by a status interval), and
  // the wal_receiver_timeout ping and give-up.
  void housekeeping() {
    const auto& s = ipc::env().settings;
    const auto now = Clock::now();
    if (replayed() != last_reported_apply) reply(protocol::ReplyRequested{false});
    if (s.wal_receiver_status_interval.count() > 0 && now - last_reply >= s.wal_receiver_status_interval) reply(protocol::ReplyRequested{false});
    if (s.wal_receiver_timeout.count() > 0) {
      if (now - last_receipt >= s.wal_receiver_timeout) walrcv_fatal("terminating walreceiver due to timeout");
      if (!pinged && now - last_receipt >= s.wal_receiver_timeout / 2) {
        reply(protocol::ReplyRequested{true});
        pinged = true;
      }
    }
  }

  // Handles all that arrived; nullopt while the COPY goes on.
  std::optional<StreamEnd> drain() {
    bool got_data = false;
    for (;;) {
      std::string_view payload;
      auto ev = conn.receive(payload);
      if (auto* err = std::get_if<ConnError>(&ev)) walrcv_fatal(*err);
      switch (std::get<StreamEvent>(ev)) {
        case StreamEvent::Data:
          on_message(payload);
          got_data = true;
          continue;
        case StreamEvent::NothingYet:
          if (got_data) {
            const bool moved = flush();
            // The reply first: a synchronous commit on the primary waits for it.
            reply(protocol::ReplyRequested{false});
            if (moved) tell_startup_flushed(flushed);
          }
          return std::nullopt;
        case StreamEvent::TimelineEnded: return finish(StreamEnd::TimelineEnded);
        case StreamEvent::PrimaryStopped: return finish(StreamEnd::PrimaryStopped);
      }
    }
  }

  StreamEnd finish(StreamEnd why) {
    if (flush()) tell_startup_flushed(flushed);
    elog::log_detail(elog::Level::Log, "replication terminated by primary server",
                     "End of WAL reached on timeline " + std::to_string(tli.get()) + " at " + written.str() + ".");
    return why;
  }
};

}  // namespace

StreamEnd receive_stream(PrimaryConn& conn, Lsn start, TimeLineId tli) {
  auto& e = ipc::env();
  Receiver r{conn, tli, WalFileWriter(e.data_dir + "/pg_wal", e.wal_segment_size, tli, e.settings.fsync), start,
             start, Lsn{}};
  r.reply(protocol::ReplyRequested{false});
  for (;;) {
    check_interrupts();
    ipc::set_ps_title("walreceiver streaming " + r.flushed.str());
    if (auto end = r.drain()) return *end;
    r.housekeeping();

    ipc::WaitSpec w;
    w.socket_fd = conn.socket();
    w.want_read = true;
    w.timeout_ms = 100;
    auto ev = ipc::wait_on_my_latch(w);
    if (ev & ipc::kWaitPostmasterDeath) walrcv_leave(1);
    if ((ev & ipc::kWaitSocketReadable) && !conn.consume_input())
      walrcv_fatal("could not receive data from WAL stream: " + conn.last_error());
  }
}

}  // namespace pmemu::walreceiver
