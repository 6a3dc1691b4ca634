// The postmaster's private record of its children. It never trusts shared
// memory for these decisions: the only shared value it reads is a child's
// PMChildFlags entry, to tell walsenders from other backends, and that is a
// lock-free atomic.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "common/strong_id.h"
#include "postmaster/pm_state.h"

namespace pmemu::shmem {
struct PmSignalData;
}

namespace pmemu::postmaster {

struct Child {
  Pid pid;
  ChildKind kind;  // Backend covers walsenders until their flag says otherwise
  ChildSlot slot;  // invalid for dead-end children
};

class ChildTable {
 public:
  explicit ChildTable(std::uint32_t num_slots) : used_(num_slots, false) {}

  // A free slot, marked used; nullopt when all are taken.
  [[nodiscard]] std::optional<ChildSlot> take_slot();
  void free_slot(ChildSlot s) {
    if (s.valid() && s.get() < used_.size()) used_[s.get()] = false;
  }
  void add(const Child& c) { children_.push_back(c); }
  // Removes and returns the child with this pid, freeing its slot.
  std::optional<Child> remove(Pid pid);
  // Forget everything after a crash restart recreated the segment: every
  // child is gone by then.
  void reset_slots();

  // Backend children whose PMChildFlags say WALSENDER count as walsenders.
  [[nodiscard]] ChildKind effective_kind(const Child& c, const shmem::PmSignalData& pm) const;
  // A walsender's flag goes back to ASSIGNED when it exits cleanly, after
  // which the reaper could not tell it from a client backend (its exit event
  // would say so): remember every walsender seen so far as one.
  void note_walsenders(const shmem::PmSignalData& pm);
  [[nodiscard]] ChildCounts counts(const shmem::PmSignalData& pm) const;
  void for_each_target(unsigned targets, const shmem::PmSignalData& pm,
                       const std::function<void(const Child&)>& fn) const;
  void for_each(const std::function<void(const Child&)>& fn) const;
  [[nodiscard]] bool empty() const { return children_.empty(); }

 private:
  std::vector<bool> used_;
  std::vector<Child> children_;
};

}  // namespace pmemu::postmaster
