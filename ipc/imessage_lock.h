// The per-queue lock of the imessage area: a process-shared robust mutex
// that, unlike shmem::RobustMutex, survives its holder's death.
//
// Why not RobustMutex: a sender killed with kill -9 while appending must not
// take the recipient (and, through RobustMutex's exit 2, the whole server)
// down with it. Every critical section under this lock is written so that any
// prefix of it leaves the queue consistent (records become visible only by
// one final atomic store; a page claimed but not yet linked is named in
// `pending_page` so the next holder can give it back). lock() therefore just
// tells the caller that the previous holder died, and the caller repairs.
//
// Lives in shared memory: init() once on a zeroed segment, before any fork.
#pragma once

#include <pthread.h>

namespace pmemu::ipc::imessage {

class QueueLock {
 public:
  QueueLock() = default;
  QueueLock(const QueueLock&) = delete;
  QueueLock& operator=(const QueueLock&) = delete;

  void init();
  // Returns true if the previous holder died while holding it: the caller
  // must run its repair step before touching the protected data.
  [[nodiscard]] bool lock();
  void unlock();

 private:
  pthread_mutex_t m_;
};

}  // namespace pmemu::ipc::imessage
