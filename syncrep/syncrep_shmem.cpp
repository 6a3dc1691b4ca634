#include "syncrep/syncrep_shmem.h"

#include "ipc/lsn_notice.h"
#include "ipc/process_env.h"

namespace pmemu::syncrep {
namespace {

bool raise(std::atomic<std::uint64_t>& a, std::uint64_t v) {
  std::uint64_t cur = a.load();
  while (cur < v)
    if (a.compare_exchange_weak(cur, v)) return true;
  return false;
}

}  // namespace

void release_waiters(SyncRepShmem& shm, Lsn write, Lsn flush, Lsn apply) {
  bool moved = raise(shm.released[0], write.get());
  moved = raise(shm.released[1], flush.get()) || moved;
  moved = raise(shm.released[2], apply.get()) || moved;
  if (!moved) return;
  auto* procs = ipc::env().areas.procs;
  for (std::uint32_t i = 0; i < shm.num_slots && i < procs->count; ++i) {
    const std::uint64_t want = shm.waiters[i].wait_lsn.load(std::memory_order_acquire);
    if (want == 0) continue;
    const auto mode = shm.waiters[i].mode.load(std::memory_order_acquire);
    if (mode >= 3) continue;
    const std::uint64_t released = shm.released[mode].load();
    if (released >= want && raise(shm.waiters[i].answered, want))
      (void)ipc::notify_lsn(ChildSlot(i), ipc::imessage::MessageType::kSyncRepReleased, Lsn{released});
  }
}

}  // namespace pmemu::syncrep
