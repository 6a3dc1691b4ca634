// The cost of an unarmed fault point (SPEC 10.3): FAULT_POINT on a registry
// where nothing is armed, against an empty loop with the same compiler
// barrier, in ns per check. A tiny standalone micro-benchmark, not a SPEC 9
// bench script: run build/bench/fault_points_bench [iterations].
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "faults/registry.h"

namespace {

template <typename F>
double ns_per_iteration(long n, F&& body) {
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    body();
    asm volatile("" ::: "memory");  // keeps every iteration and its load
  }
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(n);
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 200'000'000L;
  auto mem = std::make_unique<pmemu::faults::Registry>();
  pmemu::faults::set_registry(pmemu::faults::Registry::shmem_init(mem.get()));
  long fired = 0;
  (void)ns_per_iteration(n / 10, [&] { fired += FAULT_POINT("walsender.before_send"); });  // warm-up
  const double empty = ns_per_iteration(n, [] {});
  const double unarmed = ns_per_iteration(n, [&] { fired += FAULT_POINT("walsender.before_send"); });
  std::printf("iterations             %ld\n", n);
  std::printf("empty loop             %.3f ns/iteration\n", empty);
  std::printf("unarmed FAULT_POINT    %.3f ns/iteration (%.3f ns/check over the empty loop)\n", unarmed,
              unarmed - empty);
  return fired == 0 ? 0 : 1;
}
