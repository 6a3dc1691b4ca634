#include "startup/standby.h"

#include <chrono>
#include <ctime>
#include <filesystem>

#include "common/elog.h"
#include "faults/registry.h"
#include "events/events.h"
#include "ipc/child_exit.h"
#include "ipc/lsn_notice.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "kv/kv_table.h"
#include "shmem/proc_slots.h"
#include "recovery/recovery_shmem.h"
#include "startup/startup_main.h"
#include "startup/timeline.h"
#include "startup/walrcv_control.h"
#include "wal/timeline_file.h"

namespace pmemu::startup {
namespace {

using Clock = std::chrono::steady_clock;
using elog::Level;
using replication::WalRcvState;

[[noreturn]] void fatal(const std::string& message, const std::string& hint = {}) {
  if (hint.empty()) elog::log(Level::Fatal, message);
  else elog::log_hint(Level::Fatal, message, hint);
  ipc::exit_child_cleanly(1);
}

bool promotion_requested() {
  (void)ipc::take(ipc::Sig::Usr2);  // a doorbell: the reason is the file
  return std::filesystem::exists(ipc::env().data_dir + "/promote.signal");
}

// pg_control remembers the timeline replay has moved to, and from where
// (Minimum recovery ending location and its timeline), so pg_controldata
// shows the standby follows the new timeline.
void record_timeline_switch(const wal::TimelineHistory& history, TimeLineId to) {
  auto& e = ipc::env();
  auto control = wal::read_control_file(e.data_dir);
  if (!control.ok()) fatal(control.error());
  wal::ControlFile cf = control.value();
  for (const auto& entry : history.entries())
    if (entry.tli == to) cf.min_recovery_point = entry.begin;
  cf.min_recovery_tli = to;
  cf.time = static_cast<std::int64_t>(std::time(nullptr));
  if (auto st = wal::write_control_file(e.data_dir, cf); !st.ok()) fatal(st.error);
}

class Standby {
 public:
  Standby(wal::WalReader& reader, const wal::ControlFile& cf, RedoResult& redo)
      : reader_(reader), redo_(redo), pg_wal_(ipc::env().data_dir + "/pg_wal"), replay_tli_(cf.tli) {
    reader_.seek(redo_.end, redo_.last_record);
    note_replayed_timeline();  // local replay may already have crossed a switch
  }

  // The loop of standby mode; returns once promotion was asked for, with
  // the walreceiver stopped and everything it flushed replayed.
  void run() {
    for (;;) {
      check_startup_interrupts();
      if (promotion_requested()) {
        elog::log(Level::Log, "received promote request");
        walrcv_.stop();
        replay_flushed();
        elog::log(Level::Log, "redo done at " + redo_.last_record.str());
        events::emit("redo_done", {{"lsn", events::Lsn{redo_.last_record.get()}}});
        return;
      }
      replay_flushed();
      show_progress();
      manage_walreceiver();

      ipc::WaitSpec w;
      w.timeout_ms = 100;
      // The walreceiver's kWalReceivedFlushed messages wake us after each
      // flush. They name a position but not its timeline, so replay still
      // takes the timeline-qualified one from replication::WalRcvData (flushed_on).
      ipc::wake_on_messages(w);
      auto ev = ipc::wait_on_my_latch(w);
      if (ev & ipc::kWaitPostmasterDeath) ipc::exit_child_cleanly(1);
      (void)ipc::drain_lsn_notices(ipc::imessage::MessageType::WalReceivedFlushed);
    }
  }

 private:
  // The timeline of the next record to replay (a switch point belongs to the child).
  [[nodiscard]] TimeLineId next_tli() const { return reader_.history().tli_of_point(redo_.end); }

  // Applies every record wholly below what the walreceiver flushed on the
  // timeline that record belongs to. Records beyond it may be half
  // written, and the flush position of one timeline says nothing about
  // another's files: leave those for later.
  void replay_flushed() {
    auto& e = ipc::env();
    if (!has_flushed_record()) return;
    auto table = e.areas.kv->lock();
    while (has_flushed_record()) {
      auto next = reader_.next();
      if (std::holds_alternative<wal::WalEnd>(next)) return;
      auto& rec = std::get<wal::WalRecord>(next);
      if (rec.end > *walrcv_.flushed_on(next_tli())) {
        reader_.seek(rec.lsn, redo_.last_record);
        return;
      }
      if (auto err = check_record_timeline(rec, reader_.history()); !err.empty()) fatal(err);
      (void)FAULT_POINT("startup.mid_redo");
      if (auto err = apply_record(table, rec); !err.empty()) fatal(err);
      redo_.last_record = rec.lsn;
      redo_.end = rec.end;
      note_replayed(rec);
      note_replayed_timeline();
    }
  }

  // Whether the walreceiver flushed WAL past the replay position on the
  // timeline of the next record.
  [[nodiscard]] bool has_flushed_record() const {
    const auto flushed = walrcv_.flushed_on(next_tli());
    return flushed && *flushed > redo_.end;
  }

  void note_replayed_timeline() {
    const TimeLineId now = reader_.history().tli_of_point(redo_.last_record);
    if (now == replay_tli_) return;
    replay_tli_ = now;
    record_timeline_switch(reader_.history(), now);
  }

  void show_progress() {
    if (redo_.end == shown_) return;
    ipc::set_ps_title("startup recovering " + redo_.end.str());
    shown_ = redo_.end;
  }

  // recovery_target_timeline = 'latest' (PostgreSQL's rescanLatestTimeLine):
  // a newer history file in pg_wal (the walreceiver fetches them) becomes
  // the target if replay can still follow it. True if the target changed.
  bool rescan_timelines() {
    const TimeLineId newest = wal::newest_timeline(pg_wal_);
    if (newest <= reader_.history().target() || newest == refused_) return false;
    auto read = wal::read_timeline_history(pg_wal_, newest);
    if (auto* err = std::get_if<wal::TimelineHistoryError>(&read)) fatal(err->message, err->hint);
    auto& history = std::get<wal::TimelineHistory>(read);
    if (auto why = cannot_follow(history, replay_tli_, redo_.end)) {
      elog::log(Level::Log, *why);
      refused_ = newest;  // say it once; a still newer timeline may do
      return false;
    }
    reader_.set_history(std::move(history));
    elog::log(Level::Log, "new target timeline is " + std::to_string(newest.get()));
    return true;
  }

  [[nodiscard]] bool retry_due() const {
    auto last = walrcv_.last_request();
    return !last || Clock::now() - *last >= ipc::env().settings.wal_retrieve_retry_interval;
  }

  // Keeps a walreceiver streaming the timeline replay needs next.
  void manage_walreceiver() {
    auto& e = ipc::env();
    replication::WalRcvState state = walrcv_.state();
    // PostgreSQL 15 restarts the walreceiver when its connection settings change.
    if (state != replication::WalRcvState::Stopped && state != replication::WalRcvState::Stopping && walrcv_.settings_changed()) {
      elog::log(Level::Log, "WAL receiver process shutdown requested");
      walrcv_.stop();
      request(/*log_wait=*/false);
      return;
    }
    switch (state) {
      case replication::WalRcvState::Stopped:
        if (e.settings.primary_conninfo.empty()) {
          if (!told_no_conninfo_) elog::log(Level::Log, "waiting for WAL: primary_conninfo is not set");
          told_no_conninfo_ = true;
        } else if (retry_due()) {
          request(/*log_wait=*/walrcv_.last_request().has_value());
        }
        return;
      case replication::WalRcvState::Waiting:
        // The primary ended the timeline it streamed. Move on at once if
        // replay now needs another one, else ask again after the retry interval.
        (void)rescan_timelines();
        if (next_tli() != walrcv_.streamed_tli() || retry_due()) request(/*log_wait=*/false);
        return;
      case replication::WalRcvState::Starting:
        walrcv_.give_up_stale_start();
        return;
      case replication::WalRcvState::Streaming:
      case replication::WalRcvState::Restarting:
      case replication::WalRcvState::Stopping:
        return;
    }
  }

  void request(bool log_wait) {
    (void)rescan_timelines();
    if (log_wait) elog::log(Level::Log, "waiting for WAL to become available at " + redo_.end.str());
    walrcv_.request(redo_.end, next_tli());
  }

  wal::WalReader& reader_;
  RedoResult& redo_;
  WalReceiverControl walrcv_;
  std::string pg_wal_;
  TimeLineId replay_tli_;  // timeline of the last replayed record
  TimeLineId refused_;     // newest timeline we found we cannot follow
  Lsn shown_;
  bool told_no_conninfo_ = false;
};

}  // namespace

void follow_primary(wal::WalReader& reader, const wal::ControlFile& cf, RedoResult& redo) {
  Standby(reader, cf, redo).run();
}

}  // namespace pmemu::startup
