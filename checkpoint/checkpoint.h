// One checkpoint: the table image, the checkpoint record, pg_control, and the
// removal of WAL no longer needed. Used by the checkpointer (timed,
// requested, shutdown) and by the startup process (end of crash recovery).
//
// Crash safety comes from the order (checkpoint_steps.h): WAL flushed up to
// the image's LSN -> image (atomic rename) -> record -> flush -> pg_control
// (atomic rename) -> remove old segments. Recovery replays from pg_control's
// redo point over whatever image is on disk; the image is never older than
// that redo point nor ahead of durable WAL, and replay is idempotent.
#pragma once

#include <cstdint>
#include <string>

#include "common/strong_id.h"
#include "wal/lsn.h"
#include "wal/xlog.h"

namespace pmemu::kv {
class KvTable;
}
namespace pmemu::replication {
struct WalSndCtl;
}
namespace pmemu::recovery {
struct RecoveryShmem;
}
namespace pmemu::ipc {
struct ProcessEnv;
}

namespace pmemu::checkpoint {

// What a checkpoint works on, given by the process that makes it (the
// checkpointer, or the startup process at the end of recovery) from its
// environment: the data directory, the settings it obeys and the shared
// areas it reads.
struct CheckpointContext {
  std::string data_dir;
  std::uint64_t wal_segment_size = 0;
  std::uint64_t wal_keep_size_bytes = 0;
  bool fsync = true;
  std::uint64_t system_identifier = 0;
  kv::KvTable* table = nullptr;
  replication::WalSndCtl* walsnd = nullptr;      // null: no walsender slots to honour
  recovery::RecoveryShmem* recovery = nullptr;  // restartpoints only
};

// The context of a process's environment, as its main passes it.
[[nodiscard]] CheckpointContext context_of(const ipc::ProcessEnv& env);

enum class CheckpointKind { Online, Shutdown, EndOfRecovery };

struct CheckpointOutcome {
  bool ok = false;
  bool skipped = false;         // restartpoint: nothing new to restart from, or recovery ended
  bool recovery_ended = false;  // restartpoint: skipped because promotion has begun
  std::string error;
  Lsn lsn;   // start of the checkpoint record
  Lsn redo;
  Lsn end;   // aligned end of the checkpoint record
  int segments_removed = 0;
  std::size_t rows = 0;
  double seconds = 0;
};

// `trigger` is PostgreSQL's flag list for the log ("time", "immediate force
// wait", "shutdown immediate", "end-of-recovery immediate wait").
[[nodiscard]] CheckpointOutcome perform_checkpoint(const CheckpointContext& ctx, wal::Xlog& xlog, CheckpointKind kind);

// A standby's restartpoint (PostgreSQL's CreateRestartPoint), run by the
// checkpointer during recovery: the table as replayed so far becomes the
// image, pg_control points at the last checkpoint record replay passed (so
// a restart replays from its redo point, not from the base backup's), and
// WAL before that redo point (less wal_keep_size) is removed. Writes no WAL.
// Skipped (ok, skipped) when no checkpoint record was replayed since the
// checkpoint pg_control already names, or once the startup process has
// begun to end recovery (then its end-of-recovery checkpoint owns
// pg_control; see recovery/recovery_shmem.h's `ending`).
[[nodiscard]] CheckpointOutcome perform_restartpoint(const CheckpointContext& ctx, wal::Xlog& xlog);

// PostgreSQL-style "checkpoint complete: ..." line ("restartpoint complete:
// ..." for a restartpoint).
using Restartpoint = TaggedBool<struct RestartpointTag>;
[[nodiscard]] std::string describe_checkpoint(const CheckpointOutcome& o, Restartpoint restartpoint = Restartpoint{false});

}  // namespace pmemu::checkpoint
