// Recovery status everyone may read (pg_is_in_recovery, pg_last_wal_replay_lsn,
// the refusal of writes on a standby).
//
// Ownership: written only by the startup process; read lock-free by anyone.
// - in_recovery: 1 from segment creation until the startup process has
//   finished recovery (crash recovery or standby mode) and WAL may be
//   written; then 0 for the life of the segment.
// - standby: 1 while the server is a standby (standby.signal at start).
// - replayed_upto: end of the last replayed record.
// - checkpoint_lsn, checkpoint_redo, checkpoint_tli: the last checkpoint
//   record replayed (its start, redo point and timeline), 0 if none yet.
//   Written by the startup process only while it holds the kv table lock
//   (it replays under that lock), and read by the checkpointer only under
//   it, so a restartpoint sees them consistent with the table it snapshots
//   and with replayed_upto.
// - ending: 0 until the startup process begins to end recovery
//   (promotion); set to 1 under the kv table lock. A restartpoint checks it
//   and writes pg_control under that same lock, so the two never interleave
//   their pg_control updates.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "wal/atomic_lsn.h"

namespace pmemu::recovery {

struct RecoveryShmem {
  std::atomic<std::uint32_t> in_recovery;
  std::atomic<std::uint32_t> standby;
  AtomicLsn replayed_upto;
  AtomicLsn checkpoint_lsn;
  AtomicLsn checkpoint_redo;
  std::atomic<std::uint32_t> checkpoint_tli;
  std::atomic<std::uint32_t> ending;

  static std::size_t shmem_size() { return sizeof(RecoveryShmem); }
  static RecoveryShmem* shmem_init(void* where) {
    auto* r = static_cast<RecoveryShmem*>(where);
    r->in_recovery.store(1);
    return r;
  }
};

}  // namespace pmemu::recovery
