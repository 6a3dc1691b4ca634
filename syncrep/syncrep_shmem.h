// Synchronous commit waits (PostgreSQL's SyncRepWaitForLSN and the release
// in SyncRepReleaseWaiters), without a lock.
//
// Ownership:
// - released[mode]: the positions confirmed by enough synchronous standbys,
//   per wait mode (write, flush, apply). Raised only (compare-and-swap max) by
//   walsenders after a standby's reply; read by waiters.
// - waiters[slot].wait_lsn: written only by the backend owning that process
//   slot: its commit's end while it waits, 0 otherwise. waiters[slot].mode:
//   same owner. A walsender that raised released[] sends a kSyncRepReleased
//   imessage (ipc/lsn_notice.h: or sets the latch if none can be queued) to
//   every slot whose wait_lsn it now covers; a waiter re-checks released[]
//   after publishing wait_lsn and after every wake-up, so no wake-up is lost.
// - waiters[slot].answered: the highest wait_lsn a kSyncRepReleased message
//   was sent for; raised only (CAS max) by walsenders, and only the one that
//   raises it sends, so a wait gets one message however many standbys reply
//   at once. Never reset: a slot's successive waits (whoever owns the slot)
//   are for ever later commits, so a stale sender still holding an older
//   wait_lsn cannot swallow the message a newer wait needs.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "common/strong_id.h"
#include "shmem/proc_slots.h"
#include "wal/atomic_lsn.h"
#include "wal/lsn.h"

namespace pmemu::syncrep {

enum class WaitMode : std::uint32_t { Write = 0, Flush = 1, Apply = 2 };  // do not renumber

struct Waiter {
  AtomicLsn wait_lsn;
  std::atomic<std::uint32_t> mode;
  AtomicLsn answered;
};

struct SyncRepShmem {
  AtomicLsn released[3];
  std::uint32_t num_slots;
  Waiter waiters[1];  // really num_slots

  static std::size_t shmem_size(std::uint32_t num_slots) {
    return sizeof(SyncRepShmem) + sizeof(Waiter) * (num_slots > 0 ? num_slots - 1 : 0);
  }
  static SyncRepShmem* shmem_init(void* where, std::uint32_t num_slots) {
    auto* s = static_cast<SyncRepShmem*>(where);  // zero-filled segment
    s->num_slots = num_slots;
    return s;
  }
};

// Walsender side: raise the released positions and tell covered waiters
// (their proc slots are `procs`, which this area's waiters[] parallels).
void release_waiters(SyncRepShmem& shm, const shmem::ProcSlots& procs, Lsn write, Lsn flush, Lsn apply);

}  // namespace pmemu::syncrep
