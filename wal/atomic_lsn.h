// An LSN in shared memory: a lock-free 64-bit atomic that is read and
// written as an Lsn, so that a position keeps its type from the process that
// publishes it to the ones that read it. Same size and layout as the
// std::atomic<std::uint64_t> it wraps; zero (invalid) until stored.
#pragma once

#include <atomic>
#include <cstdint>

#include "common/atomic_max.h"
#include "wal/lsn.h"

namespace pmemu {

class AtomicLsn {
 public:
  [[nodiscard]] Lsn load(std::memory_order order = std::memory_order_seq_cst) const { return Lsn{v_.load(order)}; }
  void store(Lsn lsn, std::memory_order order = std::memory_order_seq_cst) { v_.store(lsn.get(), order); }
  // Raises the position to `lsn` unless it already holds as much; true if
  // this call raised it (common/atomic_max.h).
  bool raise_to(Lsn lsn, std::memory_order order = std::memory_order_seq_cst) {
    return raise_to_max(v_, lsn.get(), order);
  }

 private:
  std::atomic<std::uint64_t> v_{Lsn::kInvalidValue};
};

static_assert(sizeof(AtomicLsn) == sizeof(std::uint64_t));
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

}  // namespace pmemu
