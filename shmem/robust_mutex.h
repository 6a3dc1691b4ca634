// A process-shared mutex that lives inside the shared segment.
//
// Invariants:
// - init() runs once, in the postmaster, before the first fork; after that the
//   object is only locked and unlocked, never re-initialised in place.
// - It is robust: if a process dies while holding it, the next locker gets
//   EOWNERDEAD. The data it protects may then be half-updated, so the locker
//   exits with code 2 (a crash exit): the postmaster sees an abnormal exit,
//   ends every child and recreates the segment. Nothing ever "repairs" the
//   data in place.
// - The postmaster never locks one (STYLE: nothing in the postmaster waits on
//   a lock in shared memory).
#pragma once

#include <pthread.h>

namespace pmemu::shmem {

// Initialises `m` as a process-shared robust mutex (aborts on failure).
// RobustMutex uses it; so does any lock that handles a dead owner itself.
void init_robust_process_shared(pthread_mutex_t& m);

class RobustMutex {
 public:
  RobustMutex() = default;
  RobustMutex(const RobustMutex&) = delete;
  RobustMutex& operator=(const RobustMutex&) = delete;

  // Postmaster only, on a freshly created segment.
  void init();
  void lock();
  [[nodiscard]] bool try_lock();
  void unlock();

 private:
  pthread_mutex_t m_;
};

// RAII guard usable with std::unique_lock too (lock/unlock/try_lock).
class RobustLock {
 public:
  explicit RobustLock(RobustMutex& m) : m_(m) { m_.lock(); }
  ~RobustLock() { m_.unlock(); }
  RobustLock(const RobustLock&) = delete;
  RobustLock& operator=(const RobustLock&) = delete;

 private:
  RobustMutex& m_;
};

}  // namespace pmemu::shmem
