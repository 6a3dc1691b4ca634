#include "ipc/imessage_lock.h"

#include <cerrno>
#include <cstdlib>

#include "shmem/robust_mutex.h"

namespace pmemu::ipc::imessage {

void QueueLock::init() { shmem::init_robust_process_shared(m_); }

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
