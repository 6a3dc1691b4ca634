// Raising a shared position that only ever grows: several processes may
// raise it at once, and the largest value wins.
#pragma once

#include <atomic>

namespace pmemu {

// Raises `a` to `v` unless it already holds as much; true if this call
// raised it. `order` is the ordering of the successful store (release, when
// readers must see what was written before the new position).
template <typename T>
bool raise_to_max(std::atomic<T>& a, T v, std::memory_order order = std::memory_order_seq_cst) {
  T cur = a.load(std::memory_order_relaxed);
  while (cur < v)
    if (a.compare_exchange_weak(cur, v, order, std::memory_order_relaxed)) return true;
  return false;
}

}  // namespace pmemu
