// The per-queue lock of the imessage area: a spinlock whose word holds the
// holder's pid, so that, unlike shmem::RobustMutex, it survives its holder's
// death.
//
// Why not RobustMutex: a sender killed with kill -9 while appending must not
// take the recipient (and, through RobustMutex's exit 2, the whole server)
// down with it. Every critical section under this lock is written so that any
// prefix of it leaves the queue consistent (records become visible only by
// one final atomic store; a page claimed but not yet linked is named in
// `pending_page` so the next holder can give it back). lock() therefore just
// tells the caller that the previous holder died, and the caller repairs.
//
// Why not a robust pthread mutex (what this was first): its lock and unlock
// also maintain the kernel's robust list, and the sections it guards are a
// few dozen instructions long; a compare-and-swap of the pid is all they
// need. A waiter that has spun for a while looks at the holder: if the pid
// is gone (or a zombie), it takes the lock over and reports the death.
//
// Lives in shared memory: init() once on a zeroed segment, before any fork.
#pragma once

#include <atomic>
#include <cstdint>

#include "common/strong_id.h"

namespace pmemu::ipc::imessage {

class QueueLock {
 public:
  QueueLock() = default;
  QueueLock(const QueueLock&) = delete;
  QueueLock& operator=(const QueueLock&) = delete;

  void init() { holder_.store(0, std::memory_order_relaxed); }
  // `me` is the caller's pid. Returns true if the previous holder died while
  // holding it: the caller must run its repair step before touching the
  // protected data.
  [[nodiscard]] bool lock(Pid me) {
    std::int32_t free = 0;
    if (holder_.compare_exchange_strong(free, me.get(), std::memory_order_acquire, std::memory_order_relaxed))
      return false;
    return lock_contended(me);
  }
  void unlock() { holder_.store(0, std::memory_order_release); }

 private:
  [[nodiscard]] bool lock_contended(Pid me);
  std::atomic<std::int32_t> holder_;
};

}  // namespace pmemu::ipc::imessage
