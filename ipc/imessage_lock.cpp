#include "ipc/imessage_lock.h"

#include <cerrno>
#include <cstdlib>

namespace pmemu::ipc::imessage {

void QueueLock::init() {
  pthread_mutexattr_t a;
  if (pthread_mutexattr_init(&a) != 0) std::abort();
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  if (pthread_mutex_init(&m_, &a) != 0) std::abort();
  pthread_mutexattr_destroy(&a);
}

bool QueueLock::lock() {
  int rc = pthread_mutex_lock(&m_);
  if (rc == EOWNERDEAD) {
    pthread_mutex_consistent(&m_);
    return true;
  }
  if (rc != 0) std::abort();
  return false;
}

void QueueLock::unlock() { pthread_mutex_unlock(&m_); }

}  // namespace pmemu::ipc::imessage
