#include "ipc/imessage_lock.h"

#include <sched.h>

#include "common/proc_alive.h"
#include "ipc/spin_policy.h"

namespace pmemu::ipc::imessage {

bool QueueLock::lock_contended(Pid me) {
  // Holders keep the lock for well under a microsecond unless descheduled:
  // spin a little, then yield; only a holder seen for many rounds is checked
  // for life, because that reads /proc.
  for (unsigned round = 1;; ++round) {
    std::int32_t seen = holder_.load(std::memory_order_relaxed);
    if (seen == 0) {
      if (holder_.compare_exchange_weak(seen, me.get(), std::memory_order_acquire, std::memory_order_relaxed))
        return false;
      continue;
    }
    if (round < 64) {
      cpu_relax();
    } else if (round % 256 == 0 && !process_alive(Pid(seen))) {
      if (holder_.compare_exchange_strong(seen, me.get(), std::memory_order_acquire, std::memory_order_relaxed))
        return true;
    } else {
      ::sched_yield();
    }
  }
}

}  // namespace pmemu::ipc::imessage
