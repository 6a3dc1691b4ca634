// How long a process watches its own imessage queue before it sleeps.
//
// A sleeping recipient costs its sender a SIGUSR2 and itself a wake-up of
// several microseconds; a reply or the next message of a burst often comes
// sooner than that. So before sleeping the recipient looks at its queue now
// and then for a while (the budget). Where that never pays (a walsender
// waiting a disk flush away for its standby's reply), the budget halves with
// every wasted spin down to nothing, so an idle or slow-paced process burns
// no CPU; a message that arrives soon after the process fell asleep (or
// during a spin) restores the full budget.
//
// Looking only every kCheckEvery instead of continuously leaves the queue's
// cache lines to the sender meanwhile and lets a burst gather, so the
// recipient then takes several messages per look.
#pragma once

#include <atomic>
#include <chrono>

namespace pmemu::ipc::imessage {

// One round of a busy-wait: tells the CPU this is a spin loop (x86 PAUSE,
// ARM YIELD), which saves power and lets a sibling hyperthread run; on other
// architectures a compiler barrier, so the loop still re-reads memory.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  asm volatile("yield" ::: "memory");
#else
  std::atomic_signal_fence(std::memory_order_seq_cst);
#endif
}

class SpinPolicy {
 public:
  static constexpr std::chrono::nanoseconds kMax{20'000};
  static constexpr std::chrono::nanoseconds kCheckEvery{3'000};

  [[nodiscard]] std::chrono::nanoseconds budget() const { return budget_; }
  // A message came while spinning.
  void paid() { budget_ = kMax; }
  // The whole budget went by without a message.
  void wasted() { budget_ = budget_ / 2 < kCheckEvery ? std::chrono::nanoseconds{0} : budget_ / 2; }
  // After a sleep of `slept`: was the process woken by a message?
  void woke(std::chrono::nanoseconds slept, bool by_message) {
    if (by_message && slept < kMax) budget_ = kMax;
  }

 private:
  std::chrono::nanoseconds budget_ = kMax;
};

}  // namespace pmemu::ipc::imessage
