#include "tests/integration/harness/wait.h"

#include <doctest.h>
#include <poll.h>

#include "tests/integration/harness/process.h"

namespace pmemu::integration {

bool poll_until(std::chrono::milliseconds timeout, const std::function<bool(std::string& observed)>& probe,
                std::string* last_observed) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string observed;
  for (;;) {
    reap_orphans();
    observed.clear();
    if (probe(observed)) {
      if (last_observed) *last_observed = observed;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      if (last_observed) *last_observed = observed;
      return false;
    }
    ::poll(nullptr, 0, 10);  // the polling interval, not a synchronisation
  }
}

std::chrono::milliseconds wait_for(std::string_view what, std::chrono::milliseconds timeout,
                                   const std::function<bool(std::string& observed)>& probe) {
  const auto start = std::chrono::steady_clock::now();
  std::string observed;
  if (!poll_until(timeout, probe, &observed)) {
    FAIL("timed out after " << timeout.count() << " ms waiting for: " << what
                            << "\n  last observed: " << observed);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace pmemu::integration
