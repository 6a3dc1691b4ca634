#include "shmem/robust_mutex.h"

#include <cerrno>
#include <cstdlib>
#include <unistd.h>

namespace pmemu::shmem {
namespace {

[[noreturn]] void owner_died(pthread_mutex_t* m) {
  // Leave the mutex usable for nobody in particular; the segment is about to
  // be thrown away by the crash restart this exit triggers.
  pthread_mutex_consistent(m);
  _exit(2);
}

}  // namespace

void init_robust_process_shared(pthread_mutex_t& m) {
  pthread_mutexattr_t a;
  if (pthread_mutexattr_init(&a) != 0) std::abort();
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  if (pthread_mutex_init(&m, &a) != 0) std::abort();
  pthread_mutexattr_destroy(&a);
}

void RobustMutex::init() { init_robust_process_shared(m_); }

void RobustMutex::lock() {
  int rc = pthread_mutex_lock(&m_);
  if (rc == EOWNERDEAD) owner_died(&m_);
  if (rc != 0) std::abort();
}

bool RobustMutex::try_lock() {
  int rc = pthread_mutex_trylock(&m_);
  if (rc == EOWNERDEAD) owner_died(&m_);
  if (rc == EBUSY) return false;
  if (rc != 0) std::abort();
  return true;
}

void RobustMutex::unlock() { pthread_mutex_unlock(&m_); }

}  // namespace pmemu::shmem
