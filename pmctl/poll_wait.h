// The control tool's waits (server up, server down, promotion done). A CLI
// watching files written by another process has no event to block on, so it
// polls as pg_ctl does: every 100 ms, printing a progress dot every second,
// until the condition holds, the abort check fires, or the deadline passes.
#pragma once

#include <chrono>
#include <functional>

namespace pmemu::pmctl {

enum class WaitOutcome { Met, Aborted, TimedOut };

struct WaitSpec {
  std::chrono::seconds timeout;
  std::function<bool()> condition;
  // Checked after the condition each round; true ends the wait as kAborted.
  std::function<bool()> aborted = [] { return false; };
  // Called once at the start and once per elapsed second (pg_ctl's dots).
  std::function<void()> on_second = [] {};
};

[[nodiscard]] WaitOutcome poll_wait(const WaitSpec& spec);

}  // namespace pmemu::pmctl
