// One integer with a meaning of its own: constructed only explicitly, read
// with get(), compared only with its own kind. `Tag` makes each kind
// distinct (a child slot is never passed where a timeline is expected);
// `kInvalid` is the value a default-constructed one holds and valid() is
// false for. Kinds with more to say (Lsn's arithmetic and text form, Pid's
// validity) derive from it.
#pragma once

#include <compare>

namespace pmemu {

template <typename Tag, typename T, T kInvalid = T{}>
class StrongInt {
 public:
  using Value = T;
  static constexpr T kInvalidValue = kInvalid;

  constexpr StrongInt() = default;
  constexpr explicit StrongInt(T v) : v_(v) {}
  [[nodiscard]] constexpr T get() const { return v_; }
  [[nodiscard]] constexpr bool valid() const { return v_ != kInvalid; }
  friend constexpr auto operator<=>(const StrongInt&, const StrongInt&) = default;

 protected:
  T v_ = kInvalid;
};

}  // namespace pmemu
