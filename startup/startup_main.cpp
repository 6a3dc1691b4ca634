// The startup process. Crash recovery: load the table image, replay WAL from
// pg_control's redo point to the end of valid WAL, write the end-of-recovery
// checkpoint, exit 0 (the postmaster enters PM_RUN). Standby mode
// (standby.signal): replay what is local, declare consistency (hot standby),
// then replay WAL as the walreceiver flushes it, asking the postmaster for a
// walreceiver whenever none runs, until promoted.
#include "startup/startup_main.h"

#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <unistd.h>

#include "checkpoint/checkpoint.h"
#include "checkpoint/checkpointer_shmem.h"
#include "faults/registry.h"
#include "common/elog.h"
#include "events/events.h"
#include "ipc/reload.h"
#include "ipc/pm_death.h"
#include "ipc/child_exit.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "kv/kv_image.h"
#include "kv/kv_table.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "recovery/recovery_shmem.h"
#include "replication/walsnd_ctl.h"
#include "startup/redo.h"
#include "startup/standby.h"
#include "startup/timeline.h"
#include "wal/control_file.h"
#include "wal/reader.h"
#include "wal/record.h"
#include "wal/timeline_file.h"
#include "wal/wal_dir.h"

namespace pmemu::startup {
namespace {

using elog::Level;
namespace fs = std::filesystem;

[[noreturn]] void leave(int code) {
  ipc::exit_child_cleanly(code);
}

[[noreturn]] void fail(const std::string& msg) {
  elog::log(Level::Fatal, msg);
  leave(1);
}

[[noreturn]] void fail_detail(const std::string& msg, const std::string& detail) {
  elog::log_detail(Level::Fatal, msg, detail);
  leave(1);
}

std::string format_time(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// A test-only pause before replay, so tests can catch the startup process
// at work (pmemu_startup_delay_for_test, in ms).
void delay_for_test() {
  auto ms = ipc::env().config.get_int("pmemu_startup_delay_for_test");
  if (ms <= 0) return;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < deadline) {
    check_startup_interrupts();
    ipc::WaitSpec w;
    w.timeout_ms = 20;
    (void)ipc::wait_event(w);
  }
}

void signal_postmaster(shmem::PmSignalReason reason) {
  auto& e = ipc::env();
  shmem::send_postmaster_signal(*e.areas.pmsignal, e.postmaster_pid, reason);
}

// Ends recovery on a new timeline: history file, END_OF_RECOVERY record and
// checkpoint, signal files removed. Returns the new timeline.
TimeLineId promote(wal::Xlog& xlog, const RedoResult& redo, TimeLineId old_tli) {
  (void)FAULT_POINT("startup.before_promote");
  auto& e = ipc::env();
  {
    // From here on pg_control is ours to finish: a restartpoint still in
    // progress completes before we get the lock, and none starts after.
    auto table = e.areas.kv->lock();
    e.areas.recovery->ending.store(1, std::memory_order_release);
  }
  const std::string pg_wal = e.data_dir + "/pg_wal";
  const TimeLineId new_tli{std::max(wal::newest_timeline(pg_wal).get(), old_tli.get()) + 1};
  elog::log(Level::Log, "selected new timeline ID: " + std::to_string(new_tli.get()));
  events::emit("promote", {{"tli", static_cast<long long>(new_tli.get())}});
  if (auto err = write_timeline_history(pg_wal, new_tli, old_tli, redo.end); !err.empty()) fail(err);
  auto st = xlog.start_at(redo.end, redo.last_record, new_tli);
  if (!st.ok()) fail(st.error);
  wal::EndOfRecoveryPayload eor{new_tli, old_tli, static_cast<std::int64_t>(std::time(nullptr))};
  Lsn end = xlog.insert(wal::RecordType::EndOfRecovery, wal::pack_end_of_recovery(eor));
  xlog.flush(end);
  elog::log(Level::Log, "archive recovery complete");
  return new_tli;
}

// The timeline history replay follows. Crash recovery stays on the
// checkpoint's timeline; a standby follows the newest timeline whose history
// file pg_wal holds (recovery_target_timeline = 'latest', PostgreSQL 15's
// default), which must contain the checkpoint we start from.
wal::TimelineHistory recovery_history(const wal::ControlFile& cf, bool standby) {
  const std::string pg_wal = ipc::env().data_dir + "/pg_wal";
  const TimeLineId target = standby ? std::max(wal::newest_timeline(pg_wal), cf.tli) : cf.tli;
  auto read = wal::read_timeline_history(pg_wal, target);
  if (auto* err = std::get_if<wal::TimelineHistoryError>(&read)) {
    elog::log_hint(Level::Fatal, err->message, err->hint);
    leave(1);
  }
  auto& history = std::get<wal::TimelineHistory>(read);
  if (auto bad = check_checkpoint_on_history(history, cf.tli, cf.checkpoint)) {
    if (bad->detail.empty()) fail(bad->message);
    fail_detail(bad->message, bad->detail);
  }
  return history;
}

// Leftover segment temp files go. Unless the cluster was shut down cleanly,
// the WAL recovery is about to replay is made durable first: the images
// written from the replayed table (the end-of-recovery checkpoint, a
// standby's restartpoints) must never reach disk ahead of the WAL they were
// built from, and processes that died may have left it in the page cache
// only. (WAL a standby receives later is flushed by the walreceiver before
// replay may apply it.)
void prepare_wal_dir(bool clean) {
  auto& e = ipc::env();
  const std::string pg_wal = e.data_dir + "/pg_wal";
  if (auto removed = wal::remove_temp_files(pg_wal); !removed.ok()) elog::log(Level::Log, removed.error());
  if (clean || !e.settings.fsync) return;
  if (auto st = wal::sync_wal_files(pg_wal); !st.ok()) fail(st.error);
}

}  // namespace

void check_startup_interrupts() {
  if (ipc::take(ipc::Sig::Term)) leave(1);
  if (ipc::pending(ipc::Sig::Pwr) && !ipc::postmaster_alive()) leave(1);
  (void)ipc::reload_if_requested();
}

void startup_main() {
  using ipc::Sig;
  auto& e = ipc::env();
  ipc::set_ps_title("startup");
  ipc::catch_signal(SIGTERM, Sig::Term);
  ipc::catch_signal(SIGHUP, Sig::Hup);
  ipc::catch_signal(SIGUSR1, Sig::Usr1);
  ipc::catch_signal(SIGUSR2, Sig::Usr2);  // promote (the reason is promote.signal)
  ipc::ignore_signal(SIGINT);
  ipc::quit_exits_immediately();
  auto* slot = ipc::my_proc_slot();
  shmem::proc_slot_begin(*slot, ::getpid(), 0, "startup");
  shmem::mark_child_active(*e.areas.pmsignal, e.my_slot);
  auto& recovery = *e.areas.recovery;

  auto control = wal::read_control_file(e.data_dir);
  if (!control.ok()) fail(control.error());
  wal::ControlFile cf = control.value();
  const bool standby = fs::exists(e.data_dir + "/standby.signal");
  const bool clean = cf.state == wal::DbState::ShutDown && !standby;
  if (standby) {
    recovery.standby.store(1);
    elog::log(Level::Log, std::string(cf.state == wal::DbState::ShutDownInRecovery ? "database system was shut down in recovery at "
                                                                                  : "database system was shut down at ") +
                              format_time(cf.time));
    elog::log(Level::Log, "entering standby mode");
  } else if (clean) {
    elog::log(Level::Log, "database system was shut down at " + format_time(cf.time));
  } else {
    elog::log(Level::Log, "database system was interrupted; last known up at " + format_time(cf.time));
    elog::log(Level::Log, "database system was not properly shut down; automatic recovery in progress");
  }
  if (!clean) {
    cf.state = standby ? wal::DbState::InArchiveRecovery : wal::DbState::InCrashRecovery;
    cf.time = static_cast<std::int64_t>(std::time(nullptr));
    auto st = wal::write_control_file(e.data_dir, cf);
    if (!st.ok()) fail(st.error);
  }
  prepare_wal_dir(clean);
  delay_for_test();
  check_startup_interrupts();
  // PostgreSQL 15 announces archive recovery at once, crash recovery when redo starts.
  if (standby) signal_postmaster(shmem::PmSignalReason::RecoveryStarted);

  wal::Xlog xlog(e.areas.xlog, e.data_dir + "/pg_wal", wal::FsyncEnabled{e.settings.fsync},
                 [](const std::string& why) { elog::log(Level::Panic, why); });
  xlog.set_on_flushed(replication::announcer(e.areas.walsnd));
  wal::WalReader reader(e.data_dir + "/pg_wal", e.wal_segment_size, recovery_history(cf, standby));
  reader.seek(cf.redo);
  RedoResult redo;
  {
    auto table = e.areas.kv->lock();
    auto image = kv::load_image(e.data_dir + "/base/kv.image", table);
    if (image.status != kv::ImageStatus::Ok) fail("could not load the table image: " + image.error);
    if (image.redo < cf.redo)
      fail("table image (redo " + image.redo.str() + ") is older than the checkpoint's redo point " + cf.redo.str());
    redo = replay(reader, cf, table, [&](Lsn first) {
      (void)FAULT_POINT("startup.before_redo");
      if (!clean) {
        elog::log(Level::Log, "redo starts at " + first.str());
        events::emit("redo_start", {{"lsn", events::Lsn{first.get()}}});
        if (!standby) signal_postmaster(shmem::PmSignalReason::RecoveryStarted);
      }
      check_startup_interrupts();
    });
  }
  if (!redo.error.empty()) fail(redo.error);
  recovery.replayed_upto.store(redo.end);
  if (!clean && !standby) {
    elog::log(Level::Log, redo.end_reason_short);
    elog::log(Level::Log, redo.records_applied > 0 ? "redo done at " + redo.last_record.str() : "redo is not required");
    events::emit("redo_done", {{"lsn", events::Lsn{redo.last_record.get()}}, {"records", static_cast<long long>(redo.records_applied)}});
  }

  TimeLineId tli = cf.tli;
  if (standby) {
    elog::log(Level::Log, "consistent recovery state reached at " + redo.end.str());
    if (e.settings.hot_standby) signal_postmaster(shmem::PmSignalReason::BeginHotStandby);
    follow_primary(reader, cf, redo);  // returns once promotion was asked for
    // The new timeline branches off the one the end of replay lies on.
    tli = promote(xlog, redo, reader.history().tli_of_point(redo.end));
  } else {
    auto st = xlog.start_at(redo.end, redo.last_record, tli);
    if (!st.ok()) fail(st.error);
  }

  if (!clean) {
    (void)FAULT_POINT("startup.before_end_of_recovery_checkpoint");
    if (e.settings.log_checkpoints) elog::log(Level::Log, "checkpoint starting: end-of-recovery immediate wait");
    events::emit("checkpoint_start", {{"kind", "end-of-recovery"}, {"lsn", events::Lsn{xlog.insert_position().get()}}});
    auto o = checkpoint::perform_checkpoint(checkpoint::context_of(e), xlog, checkpoint::CheckpointKind::EndOfRecovery);
    if (!o.ok) fail("end-of-recovery checkpoint failed: " + o.error);
    events::emit("checkpoint_done", {{"kind", "end-of-recovery"}, {"lsn", events::Lsn{o.lsn.get()}}, {"redo", events::Lsn{o.redo.get()}}});
    if (e.settings.log_checkpoints) elog::log(Level::Log, checkpoint::describe_checkpoint(o));
  } else {
    cf.state = wal::DbState::InProduction;
    cf.time = static_cast<std::int64_t>(std::time(nullptr));
    auto w = wal::write_control_file(e.data_dir, cf);
    if (!w.ok()) fail(w.error);
  }
  if (standby) {
    std::error_code ec;
    fs::remove(e.data_dir + "/standby.signal", ec);
    fs::remove(e.data_dir + "/promote.signal", ec);
    recovery.standby.store(0);
  }
  recovery.in_recovery.store(0);
  e.areas.checkpointer->recovery_done.store(1);
  leave(0);
}

}  // namespace pmemu::startup
