#include "checkpointer/checkpointer_main.h"

#include "faults/registry.h"

#include <chrono>
#include <ctime>
#include <csignal>
#include <unistd.h>

#include "checkpoint/checkpoint.h"
#include "checkpoint/checkpointer_shmem.h"
#include "common/elog.h"
#include "events/events.h"
#include "ipc/reload.h"
#include "ipc/child_exit.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "recovery/recovery_shmem.h"
#include "replication/walsnd_ctl.h"
#include "wal/control_file.h"

namespace pmemu::checkpointer {
namespace {

using Clock = std::chrono::steady_clock;
// Asynchronous commits become durable within this much time, as PostgreSQL's
// walwriter does with wal_writer_delay.
constexpr int kAsyncFlushMs = 200;

void log_start(const char* flags) {
  elog::log(elog::Level::Log, std::string("checkpoint starting: ") + flags);
}

// The event stream's kind: shutdown, or the first word of the flags (time, immediate).
std::string_view event_kind(checkpoint::CheckpointKind kind, std::string_view flags) {
  if (kind == checkpoint::CheckpointKind::Shutdown) return "shutdown";
  return flags.substr(0, flags.find(' '));
}

bool run_checkpoint(wal::Xlog& xlog, checkpoint::CheckpointKind kind, const char* flags) {
  (void)FAULT_POINT("checkpointer.before_checkpoint");
  auto& shm = *ipc::env().areas.checkpointer;
  if (ipc::env().settings.log_checkpoints) log_start(flags);
  events::emit("checkpoint_start", {{"kind", event_kind(kind, flags)}, {"lsn", events::Lsn{xlog.insert_position().get()}}});
  shm.started.fetch_add(1);
  auto o = checkpoint::perform_checkpoint(checkpoint::context_of(ipc::env()), xlog, kind);
  if (!o.ok) {
    shm.failed.fetch_add(1);
    shm.done.fetch_add(1);
    elog::log(elog::Level::Error, "checkpoint failed: " + o.error);
    return false;
  }
  shm.done.fetch_add(1);
  events::emit("checkpoint_done", {{"kind", event_kind(kind, flags)}, {"lsn", events::Lsn{o.lsn.get()}}, {"redo", events::Lsn{o.redo.get()}}});
  if (ipc::env().settings.log_checkpoints || kind == checkpoint::CheckpointKind::Shutdown)
    elog::log(elog::Level::Log, checkpoint::describe_checkpoint(o));
  return true;
}

// A standby's restartpoint, timed or asked for by CHECKPOINT. Counted like
// a checkpoint so a waiting CHECKPOINT returns; one with no new checkpoint
// record to use is skipped, as PostgreSQL skips it.
void run_restartpoint(wal::Xlog& xlog, const char* flags) {
  auto& shm = *ipc::env().areas.checkpointer;
  shm.started.fetch_add(1);
  auto o = checkpoint::perform_restartpoint(checkpoint::context_of(ipc::env()), xlog);
  if (o.ok && o.skipped) {
    elog::log(elog::Level::Debug2, o.recovery_ended ? std::string("skipping restartpoint, recovery has already ended")
                                                    : "skipping restartpoint, already performed at " + o.lsn.str());
  } else if (o.ok) {
    // Logged once made: whether there is one to make is known only then.
    events::emit("checkpoint_done", {{"kind", "restartpoint"}, {"lsn", events::Lsn{o.lsn.get()}}, {"redo", events::Lsn{o.redo.get()}}});
    const bool loud = ipc::env().settings.log_checkpoints;
    if (loud) {
      elog::log(elog::Level::Log, std::string("restartpoint starting: ") + flags);
      elog::log(elog::Level::Log, checkpoint::describe_checkpoint(o, checkpoint::Restartpoint{true}));
    }
    elog::log(loud ? elog::Level::Log : elog::Level::Debug2, "recovery restart point at " + o.redo.str());
  } else {
    shm.failed.fetch_add(1);
    elog::log(elog::Level::Error, "restartpoint failed: " + o.error);
  }
  shm.done.fetch_add(1);
}

// A standby stopping cleanly: pg_control says "shut down in recovery" as
// PostgreSQL's does (its shutdown restartpoint is not made here).
void mark_shut_down_in_recovery() {
  auto& e = ipc::env();
  auto cf = wal::read_control_file(e.data_dir);
  if (!cf.ok() || cf.value().state != wal::DbState::InArchiveRecovery) return;
  auto c = cf.value();
  c.state = wal::DbState::ShutDownInRecovery;
  c.time = static_cast<std::int64_t>(std::time(nullptr));
  (void)wal::write_control_file(e.data_dir, c);
}

// PostgreSQL's WalSndInitStopping + WalSndWaitStopping: no walsender may
// write WAL after the shutdown checkpoint, so every one is told to stop and
// we wait until each has left or is STOPPING (still streaming, so it can
// send the checkpoint record afterwards). Bounded so a stuck walsender
// cannot stop the shutdown forever; it is still bounded by its own
// wal_sender_timeout afterwards.
void stop_walsenders() {
  auto& ctl = *ipc::env().areas.walsnd;
  replication::init_stopping(ctl, *ipc::env().areas.procs);
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (!replication::all_stopping(ctl) && Clock::now() < deadline) {
    ipc::WaitSpec w;
    w.timeout_ms = 10;
    auto ev = ipc::wait_event(w);
    if (ev & ipc::kWaitPostmasterDeath) break;
  }
}

[[noreturn]] void leave(int code) {
  auto& e = ipc::env();
  e.areas.checkpointer->checkpointer_pid.store(0);
  ipc::exit_child_cleanly(code);
}

}  // namespace

void checkpointer_main() {
  using ipc::Sig;
  auto& e = ipc::env();
  ipc::set_ps_title("checkpointer");
  ipc::catch_signal(SIGINT, Sig::Int);    // checkpoint request
  ipc::catch_signal(SIGUSR2, Sig::Usr2);  // doorbell; shutdown_requested says "shutdown checkpoint"
  ipc::catch_signal(SIGHUP, Sig::Hup);
  ipc::catch_signal(SIGUSR1, Sig::Usr1);  // latch
  ipc::ignore_signal(SIGTERM);            // as PostgreSQL: only SIGUSR2 stops it
  ipc::quit_exits_immediately();

  auto* slot = ipc::my_proc_slot();
  shmem::proc_slot_begin(*slot, ::getpid(), 0, "checkpointer");
  shmem::mark_child_active(*e.areas.pmsignal, e.my_slot);
  auto& shm = *e.areas.checkpointer;
  shm.checkpointer_pid.store(::getpid());

  wal::Xlog xlog(e.areas.xlog, e.data_dir + "/pg_wal", wal::FsyncEnabled{e.settings.fsync},
                 [](const std::string& why) { elog::log(elog::Level::Panic, why); });
  xlog.set_on_flushed(replication::announcer(e.areas.walsnd));
  auto last_checkpoint = Clock::now();
  std::uint64_t seen_requests = shm.requests.load();
  Lsn last_checkpoint_end;

  for (;;) {
    if (ipc::reload_if_requested()) xlog.set_fsync(wal::FsyncEnabled{e.settings.fsync});
    const bool recovery_done = shm.recovery_done.load() != 0;
    (void)ipc::take(Sig::Usr2);
    if (shm.shutdown_requested.load() != 0) {
      (void)FAULT_POINT("checkpointer.before_shutdown_checkpoint");
      elog::log(elog::Level::Log, "shutting down");
      if (recovery_done) {
        stop_walsenders();
        if (!run_checkpoint(xlog, checkpoint::CheckpointKind::Shutdown, "shutdown immediate")) leave(1);
        replication::wake_for_shutdown_checkpoint(*e.areas.walsnd, *e.areas.procs);
      } else {
        mark_shut_down_in_recovery();
      }
      leave(0);
    }
    (void)ipc::take(Sig::Int);
    std::uint64_t requests = shm.requests.load();
    const bool requested = requests != seen_requests;
    const auto timeout = e.settings.checkpoint_timeout;
    const bool timed = Clock::now() - last_checkpoint >= timeout;
    const bool standby = !recovery_done && e.areas.recovery->standby.load() != 0;
    if (standby && (requested || timed)) {
      seen_requests = requests;
      run_restartpoint(xlog, requested ? "immediate wait" : "time");
      last_checkpoint = Clock::now();
    }
    if (recovery_done && (requested || timed)) {
      seen_requests = requests;
      // A timed checkpoint with no WAL written since the last one is skipped.
      if (requested || xlog.insert_position() != last_checkpoint_end) {
        if (run_checkpoint(xlog, checkpoint::CheckpointKind::Online, requested ? "immediate force wait" : "time"))
          last_checkpoint_end = xlog.insert_position();
      }
      last_checkpoint = Clock::now();
    }
    if (recovery_done && xlog.written() > xlog.flushed()) {
      xlog.flush(xlog.written());
    }

    auto until_timed = std::chrono::duration_cast<std::chrono::milliseconds>(
                           last_checkpoint + timeout - Clock::now()).count();
    ipc::WaitSpec w;
    w.timeout_ms = static_cast<int>(std::max<long long>(1, std::min<long long>(kAsyncFlushMs, until_timed)));
    if (ipc::wait_on_my_latch(w) & ipc::kWaitPostmasterDeath) leave(1);
  }
}

}  // namespace pmemu::checkpointer
