#include <doctest.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "common/atomic_max.h"

using pmemu::raise_to_max;

TEST_CASE("raise_to_max raises only upwards and says whether it did") {
  std::atomic<std::uint64_t> a{10};
  CHECK_FALSE(raise_to_max(a, std::uint64_t{5}));
  CHECK(a.load() == 10);
  CHECK_FALSE(raise_to_max(a, std::uint64_t{10}));
  CHECK(raise_to_max(a, std::uint64_t{11}));
  CHECK(a.load() == 11);
}

TEST_CASE("raise_to_max from several threads keeps the largest value") {
  std::atomic<std::uint64_t> a{0};
  std::vector<std::thread> threads;
  for (std::uint64_t t = 0; t < 4; ++t)
    threads.emplace_back([&a, t] {
      for (std::uint64_t i = 0; i < 10000; ++i) (void)raise_to_max(a, i * 4 + t);
    });
  for (auto& t : threads) t.join();
  CHECK(a.load() == 9999 * 4 + 3);
}
