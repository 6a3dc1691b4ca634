// Strong types for identities: a process id, a child slot, a tagged boolean.
// Each wraps one integer, converts only explicitly, and compares with <=>,
// so a slot index can never be passed where a pid is expected.
#pragma once

#include <compare>
#include <cstdint>
#include <sys/types.h>

namespace pmemu {

// A process id. Pid{} (0) means "no process".
class Pid {
 public:
  constexpr Pid() = default;
  constexpr explicit Pid(pid_t v) : v_(v) {}
  [[nodiscard]] constexpr pid_t get() const { return v_; }
  [[nodiscard]] constexpr bool valid() const { return v_ > 0; }
  friend constexpr auto operator<=>(Pid, Pid) = default;

 private:
  pid_t v_ = 0;
};

// Index of a postmaster child slot (PMChildFlags entry, ProcSlot, queue).
class ChildSlot {
 public:
  static constexpr std::uint32_t kInvalid = UINT32_MAX;
  constexpr ChildSlot() = default;
  constexpr explicit ChildSlot(std::uint32_t v) : v_(v) {}
  [[nodiscard]] constexpr std::uint32_t get() const { return v_; }
  [[nodiscard]] constexpr bool valid() const { return v_ != kInvalid; }
  friend constexpr auto operator<=>(ChildSlot, ChildSlot) = default;

 private:
  std::uint32_t v_ = kInvalid;
};

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
