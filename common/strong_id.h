// Strong types for identities: a process id, a child slot, a tagged boolean,
// so a slot index can never be passed where a pid is expected.
#pragma once

#include <cstdint>
#include <sys/types.h>

#include "common/strong_int.h"

namespace pmemu {

// A process id. Pid{} (0) means "no process"; so does a negative one (a
// failed fork's -1 never becomes a target of kill).
class Pid : public StrongInt<Pid, pid_t> {
 public:
  using StrongInt::StrongInt;
  [[nodiscard]] constexpr bool valid() const { return get() > 0; }
};

// Index of a postmaster child slot (PMChildFlags entry, ProcSlot, queue).
using ChildSlot = StrongInt<struct ChildSlotTag, std::uint32_t, UINT32_MAX>;

// A boolean parameter that names itself at the call site:
//   using Durable = TaggedBool<struct DurableTag>;  write(x, Durable{true});
template <typename Tag>
class TaggedBool {
 public:
  constexpr explicit TaggedBool(bool v) : v_(v) {}
  constexpr explicit operator bool() const { return v_; }
  friend constexpr bool operator==(TaggedBool, TaggedBool) = default;

 private:
  bool v_;
};

}  // namespace pmemu
