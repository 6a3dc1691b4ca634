#include "pmctl/poll_wait.h"

#include <thread>

namespace pmemu::pmctl {

WaitOutcome poll_wait(const WaitSpec& spec) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kTick = std::chrono::milliseconds(100);
  const auto start = Clock::now();
  const auto deadline = start + spec.timeout;
  auto next_dot = start;
  for (;;) {
    auto now = Clock::now();
    if (now >= next_dot) {
      spec.on_second();
      next_dot += std::chrono::seconds(1);
    }
    if (spec.condition()) return WaitOutcome::Met;
    if (spec.aborted()) return WaitOutcome::Aborted;
    if (Clock::now() >= deadline) return WaitOutcome::TimedOut;
    std::this_thread::sleep_for(kTick);
  }
}

}  // namespace pmemu::pmctl
