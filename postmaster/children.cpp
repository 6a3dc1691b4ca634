#include "postmaster/children.h"

#include <algorithm>

#include "shmem/pmsignal.h"

namespace pmemu::postmaster {

std::optional<ChildSlot> ChildTable::take_slot() {
  for (std::uint32_t i = 0; i < used_.size(); ++i) {
    if (!used_[i]) {
      used_[i] = true;
      return ChildSlot{i};
    }
  }
  return std::nullopt;
}

std::optional<Child> ChildTable::remove(Pid pid) {
  auto it = std::find_if(children_.begin(), children_.end(), [&](const Child& c) { return c.pid == pid; });
  if (it == children_.end()) return std::nullopt;
  Child c = *it;
  children_.erase(it);
  if (c.slot.valid() && c.slot.get() < used_.size()) used_[c.slot.get()] = false;
  return c;
}

void ChildTable::reset_slots() { std::fill(used_.begin(), used_.end(), false); }

ChildKind ChildTable::effective_kind(const Child& c, const shmem::PmSignalData& pm) const {
  if (c.kind == ChildKind::Backend && shmem::is_walsender(pm, c.slot)) return ChildKind::WalSender;
  return c.kind;
}

void ChildTable::note_walsenders(const shmem::PmSignalData& pm) {
  for (auto& c : children_)
    if (c.kind == ChildKind::Backend && shmem::is_walsender(pm, c.slot)) c.kind = ChildKind::WalSender;
}

ChildCounts ChildTable::counts(const shmem::PmSignalData& pm) const {
  ChildCounts n;
  for (auto& c : children_) ++(n.*child_kind(effective_kind(c, pm)).count);
  return n;
}

void ChildTable::for_each_target(unsigned targets, const shmem::PmSignalData& pm,
                                 const std::function<void(const Child&)>& fn) const {
  for (auto& c : children_)
    if (targets & target_of(effective_kind(c, pm))) fn(c);
}

void ChildTable::for_each(const std::function<void(const Child&)>& fn) const {
  for (auto& c : children_) fn(c);
}

}  // namespace pmemu::postmaster
