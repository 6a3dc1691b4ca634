// Crash recovery: load the table image, replay WAL from pg_control's redo
// point to the end of valid WAL, set the insert position there, write the
// end-of-recovery checkpoint and exit 0 (the postmaster then enters PM_RUN).
#include "startup/startup_main.h"

#include <chrono>
#include <csignal>
#include <ctime>
#include <unistd.h>

#include "checkpointer/checkpoint.h"
#include "checkpointer/checkpointer_shmem.h"
#include "common/elog.h"
#include "ipc/pm_death.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "kv/kv_image.h"
#include "kv/kv_table.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "startup/redo.h"
#include "wal/control_file.h"
#include "wal/reader.h"

namespace pmemu::startup {
namespace {

using elog::Level;

[[noreturn]] void leave(int code) {
  auto& e = ipc::env();
  if (auto* slot = ipc::my_proc_slot()) shmem::proc_slot_end(*slot);
  shmem::mark_child_inactive(*e.areas.pmsignal, e.my_slot);
  _exit(code);
}

[[noreturn]] void fail(const std::string& msg) {
  elog::log(Level::Fatal, msg);
  leave(1);
}

// SIGTERM (shutdown while recovering) ends the process at the next check,
// as PostgreSQL's HandleStartupProcInterrupts.
void check_interrupts() {
  if (ipc::take(ipc::Sig::Term)) leave(1);
  if (ipc::pending(ipc::Sig::Pwr) && !ipc::postmaster_alive()) leave(1);
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
    check_interrupts();
    ipc::WaitSpec w;
    w.timeout_ms = 20;
    (void)ipc::wait_event(w);
  }
}

}  // namespace

void startup_main() {
  using ipc::Sig;
  auto& e = ipc::env();
  ipc::set_ps_title("startup");
  ipc::catch_signal(SIGTERM, Sig::Term);
  ipc::catch_signal(SIGHUP, Sig::Hup);
  ipc::catch_signal(SIGUSR1, Sig::Usr1);
  ipc::ignore_signal(SIGINT);
  ipc::quit_exits_immediately();
  auto* slot = ipc::my_proc_slot();
  shmem::proc_slot_begin(*slot, ::getpid(), 0, "startup");
  shmem::mark_child_active(*e.areas.pmsignal, e.my_slot);

  auto control = wal::read_control_file(e.data_dir);
  if (!control.ok()) fail(control.error());
  wal::ControlFile cf = control.value();
  const bool clean = cf.state == wal::DbState::ShutDown;
  if (clean) {
    elog::log(Level::Log, "database system was shut down at " + format_time(cf.time));
  } else {
    elog::log(Level::Log, "database system was interrupted; last known up at " + format_time(cf.time));
    elog::log(Level::Log, "database system was not properly shut down; automatic recovery in progress");
    cf.state = wal::DbState::InCrashRecovery;
    cf.time = static_cast<std::int64_t>(std::time(nullptr));
    auto st = wal::write_control_file(e.data_dir, cf);
    if (!st.ok()) fail(st.error);
  }
  delay_for_test();
  check_interrupts();

  wal::Xlog xlog(e.areas.xlog, e.data_dir + "/pg_wal", wal::FsyncEnabled{e.settings.fsync},
                 [](const std::string& why) { elog::log(Level::Panic, why); });
  RedoResult redo;
  {
    auto table = e.areas.kv->lock();
    auto image = kv::load_image(e.data_dir + "/base/kv.image", table);
    if (image.status != kv::ImageStatus::kOk) fail("could not load the table image: " + image.error);
    if (image.redo < cf.redo)
      fail("table image (redo " + image.redo.str() + ") is older than the checkpoint's redo point " + cf.redo.str());
    redo = replay(e.data_dir + "/pg_wal", e.wal_segment_size, cf, table, [&](Lsn first) {
      if (!clean) {
        elog::log(Level::Log, "redo starts at " + first.str());
        shmem::send_postmaster_signal(*e.areas.pmsignal, e.postmaster_pid, shmem::PmSignalReason::RecoveryStarted);
      }
      check_interrupts();
    });
  }
  if (!redo.error.empty()) fail(redo.error);
  if (!clean) {
    elog::log(Level::Log, redo.end_reason_short);
    if (redo.records_applied > 0)
      elog::log(Level::Log, "redo done at " + redo.last_record.str());
    else
      elog::log(Level::Log, "redo is not required");
  }
  auto st = xlog.start_at(redo.end, redo.last_record, cf.tli);
  if (!st.ok()) fail(st.error);

  if (!clean) {
    if (e.settings.log_checkpoints) elog::log(Level::Log, "checkpoint starting: end-of-recovery immediate wait");
    auto o = checkpointer::perform_checkpoint(xlog, checkpointer::CheckpointKind::EndOfRecovery);
    if (!o.ok) fail("end-of-recovery checkpoint failed: " + o.error);
    if (e.settings.log_checkpoints) elog::log(Level::Log, checkpointer::describe_checkpoint(o));
  } else {
    cf.state = wal::DbState::InProduction;
    cf.time = static_cast<std::int64_t>(std::time(nullptr));
    auto w = wal::write_control_file(e.data_dir, cf);
    if (!w.ok()) fail(w.error);
  }
  e.areas.checkpointer->recovery_done.store(1);
  leave(0);
}

}  // namespace pmemu::startup
