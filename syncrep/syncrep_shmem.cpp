#include "syncrep/syncrep_shmem.h"

#include "common/atomic_max.h"
#include "ipc/lsn_notice.h"
#include "ipc/process_env.h"

namespace pmemu::syncrep {

void release_waiters(SyncRepShmem& shm, Lsn write, Lsn flush, Lsn apply) {
  bool moved = raise_to_max(shm.released[0], write.get());
  moved = raise_to_max(shm.released[1], flush.get()) || moved;
  moved = raise_to_max(shm.released[2], apply.get()) || moved;
  if (!moved) return;
  auto* procs = ipc::env().areas.procs;
  for (std::uint32_t i = 0; i < shm.num_slots && i < procs->count; ++i) {
    const std::uint64_t want = shm.waiters[i].wait_lsn.load(std::memory_order_acquire);
    if (want == 0) continue;
    const auto mode = shm.waiters[i].mode.load(std::memory_order_acquire);
    if (mode >= 3) continue;
    const std::uint64_t released = shm.released[mode].load();
    if (released >= want && raise_to_max(shm.waiters[i].answered, want))
      (void)ipc::notify_lsn(ChildSlot(i), ipc::imessage::MessageType::kSyncRepReleased, Lsn{released});
  }
}

}  // namespace pmemu::syncrep
