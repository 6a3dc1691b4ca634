// One checkpoint: the table image, the checkpoint record, pg_control, and the
// removal of WAL no longer needed. Used by the checkpointer (timed,
// requested, shutdown) and by the startup process (end of crash recovery).
//
// Crash safety comes from the order: image (atomic rename) -> record ->
// flush -> pg_control (atomic rename) -> remove old segments. Recovery
// replays from pg_control's redo point over whatever image is on disk; the
// image is never older than that redo point, and replay is idempotent.
#pragma once

#include <string>

#include "wal/lsn.h"
#include "wal/xlog.h"

namespace pmemu::checkpointer {

enum class CheckpointKind { Online, Shutdown, EndOfRecovery };

struct CheckpointOutcome {
  bool ok = false;
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
[[nodiscard]] CheckpointOutcome perform_checkpoint(wal::Xlog& xlog, CheckpointKind kind);

// PostgreSQL-style "checkpoint complete: ..." line.
[[nodiscard]] std::string describe_checkpoint(const CheckpointOutcome& o);

}  // namespace pmemu::checkpointer
