// Waiting for a condition instead of sleeping. Every wait has a deadline and,
// when it expires, fails the test saying what it waited for and what it saw
// last, so a timeout in CI is readable without rerunning.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace pmemu::integration {

using namespace std::chrono_literals;

// Polls `probe` every 10 ms (reaping orphaned server processes in between)
// until it returns true; probe may record what it observed in its argument.
// On timeout: doctest FAIL (throws, ending the test case) with `what` and
// the last observation. Returns the time it took.
std::chrono::milliseconds wait_for(std::string_view what, std::chrono::milliseconds timeout,
                                   const std::function<bool(std::string& observed)>& probe);

// Same polling, but reports instead of failing: true if probe held in time.
[[nodiscard]] bool poll_until(std::chrono::milliseconds timeout,
                              const std::function<bool(std::string& observed)>& probe,
                              std::string* last_observed = nullptr);

}  // namespace pmemu::integration
