// The WAL of a brand-new cluster (pmctl init): segment 1 of timeline 1 holds
// one CHECKPOINT_SHUTDOWN record at its very start, Lsn = wal_segment_size
// (segment 0 is never used, so Lsn 0 stays "invalid", as in PostgreSQL).
#pragma once

#include <cstdint>
#include <string>

#include "wal/lsn.h"
#include "wal/result.h"

namespace pmemu::wal {

struct BootstrapWal {
  Lsn checkpoint;  // start of the checkpoint record; also its redo point
  Lsn end;         // aligned end: where the first new record will go
};

// Writes pg_wal/000000010000000000000001 (for 16 MB segments) atomically.
// The caller writes pg_control with state ShutDown, checkpoint = redo =
// result.checkpoint, tli 1.
[[nodiscard]] Result<BootstrapWal> bootstrap_wal(const std::string& pg_wal_dir, std::uint32_t wal_segment_size,
                                                 std::uint64_t system_identifier, std::int64_t now);

}  // namespace pmemu::wal
