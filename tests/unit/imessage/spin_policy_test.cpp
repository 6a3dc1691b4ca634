#include <doctest.h>

#include "ipc/spin_policy.h"

#include <atomic>
#include <thread>

namespace pmemu::ipc::imessage::test {

using std::chrono::nanoseconds;

TEST_CASE("the spin budget halves with each wasted spin down to nothing, and a quick message restores it") {
  SpinPolicy p;
  CHECK(p.budget() == SpinPolicy::kMax);
  p.wasted();
  CHECK(p.budget() == SpinPolicy::kMax / 2);
  int spins = 1;
  while (p.budget().count() > 0) {
    p.wasted();
    ++spins;
  }
  CHECK(spins < 6);  // a slow-paced process stops spinning after a few waits
  p.wasted();
  CHECK(p.budget().count() == 0);

  p.woke(SpinPolicy::kMax * 5, true);  // a message, but long after falling asleep
  CHECK(p.budget().count() == 0);
  p.woke(nanoseconds(500), false);  // woken early, but not by a message
  CHECK(p.budget().count() == 0);
  p.woke(nanoseconds(500), true);  // a message soon after sleeping: spinning would have paid
  CHECK(p.budget() == SpinPolicy::kMax);

  p.wasted();
  p.paid();
  CHECK(p.budget() == SpinPolicy::kMax);
}

TEST_CASE("cpu_relax is the busy-wait hint of the architecture built for; a spin on it sees another thread's store") {
  std::atomic<bool> flag{false};
  std::thread setter([&] { flag.store(true, std::memory_order_release); });
  while (!flag.load(std::memory_order_acquire)) cpu_relax();
  setter.join();
  CHECK(flag.load());
}

}  // namespace pmemu::ipc::imessage::test
