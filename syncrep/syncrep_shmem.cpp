#include "syncrep/syncrep_shmem.h"

#include "ipc/lsn_notice.h"

namespace pmemu::syncrep {

void release_waiters(SyncRepShmem& shm, const shmem::ProcSlots& procs, Lsn write, Lsn flush, Lsn apply) {
  bool moved = shm.released[0].raise_to(write);
  moved = shm.released[1].raise_to(flush) || moved;
  moved = shm.released[2].raise_to(apply) || moved;
  if (!moved) return;
  for (std::uint32_t i = 0; i < shm.num_slots && i < procs.count; ++i) {
    const Lsn want = shm.waiters[i].wait_lsn.load(std::memory_order_acquire);
    if (!want.valid()) continue;
    const auto mode = shm.waiters[i].mode.load(std::memory_order_acquire);
    if (mode >= 3) continue;
    const Lsn released = shm.released[mode].load();
    if (released >= want && shm.waiters[i].answered.raise_to(want))
      (void)ipc::notify_lsn(ChildSlot(i), ipc::imessage::MessageType::kSyncRepReleased, released);
  }
}

}  // namespace pmemu::syncrep
