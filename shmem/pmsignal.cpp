#include "shmem/pmsignal.h"

#include <csignal>
#include <new>

namespace pmemu::shmem {

std::size_t PmSignalData::shmem_size(std::uint32_t n) {
  return sizeof(PmSignalData) + sizeof(std::atomic<std::uint32_t>) * (n > 0 ? n - 1 : 0);
}

PmSignalData* PmSignalData::shmem_init(void* where, std::uint32_t n) {
  auto* pm = new (where) PmSignalData;
  for (auto& f : pm->flags) f.store(0);
  pm->quit_reason.store(0);
  pm->walsender_last_cycle.store(0);
  pm->num_child_flags = n;
  for (std::uint32_t i = 0; i < n; ++i)
    new (&pm->child_flags[i]) std::atomic<std::uint32_t>(static_cast<std::uint32_t>(ChildFlag::Unused));
  return pm;
}

void send_postmaster_signal(PmSignalData& pm, Pid postmaster, PmSignalReason reason) {
  pm.flags[static_cast<std::size_t>(reason)].store(1, std::memory_order_release);
  ::kill(postmaster.get(), SIGUSR1);
}

static void set_flag(PmSignalData& pm, ChildSlot slot, ChildFlag f) {
  if (!slot.valid() || slot.get() >= pm.num_child_flags) return;
  pm.child_flags[slot.get()].store(static_cast<std::uint32_t>(f), std::memory_order_release);
}

void mark_child_active(PmSignalData& pm, ChildSlot slot) { set_flag(pm, slot, ChildFlag::Active); }
void mark_child_walsender(PmSignalData& pm, ChildSlot slot) { set_flag(pm, slot, ChildFlag::WalSender); }
void mark_child_inactive(PmSignalData& pm, ChildSlot slot) { set_flag(pm, slot, ChildFlag::Assigned); }

QuitReason quit_reason(const PmSignalData& pm) {
  return static_cast<QuitReason>(pm.quit_reason.load(std::memory_order_acquire));
}

bool check_postmaster_signal(PmSignalData& pm, PmSignalReason reason) {
  return pm.flags[static_cast<std::size_t>(reason)].exchange(0, std::memory_order_acq_rel) != 0;
}

void set_quit_reason(PmSignalData& pm, QuitReason reason) {
  pm.quit_reason.store(static_cast<std::uint32_t>(reason), std::memory_order_release);
}

void mark_slot_assigned(PmSignalData& pm, ChildSlot slot) { set_flag(pm, slot, ChildFlag::Assigned); }

bool release_slot(PmSignalData& pm, ChildSlot slot) {
  if (!slot.valid() || slot.get() >= pm.num_child_flags) return true;
  auto old = pm.child_flags[slot.get()].exchange(static_cast<std::uint32_t>(ChildFlag::Unused),
                                                 std::memory_order_acq_rel);
  return old == static_cast<std::uint32_t>(ChildFlag::Assigned);
}

bool is_walsender(const PmSignalData& pm, ChildSlot slot) {
  if (!slot.valid() || slot.get() >= pm.num_child_flags) return false;
  return pm.child_flags[slot.get()].load(std::memory_order_acquire) ==
         static_cast<std::uint32_t>(ChildFlag::WalSender);
}

}  // namespace pmemu::shmem
