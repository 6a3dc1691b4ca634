#include "kv/kv_table.h"

#include <doctest.h>

#include <atomic>
#include <map>
#include <new>
#include <random>
#include <string>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "tests/unit/kv/heap_table.h"

namespace pmemu::kv {
namespace {

using testing::HeapTable;

// What the table should hold, kept independently of it.
using Model = std::map<std::string, std::string>;

void require_consistent(const KvTable::Locked& t) {
  const auto problem = t.check_invariants_for_test();
  INFO(problem.value_or(""));
  REQUIRE_FALSE(problem.has_value());
}

void require_equal(const KvTable::Locked& t, const Model& m) {
  REQUIRE(t.count() == m.size());
  for (const auto& [k, v] : m) {
    const auto got = t.get(k);
    REQUIRE(got.has_value());
    REQUIRE(*got == v);
  }
  Model seen;
  t.scan(false, std::nullopt, [&](std::string_view k, std::string_view v) { seen.emplace(k, v); });
  REQUIRE(seen == m);
}

std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// The heap block a row takes, computed the way docs describe it: a 16-byte
// header plus key and value, padded to 8.
std::uint64_t block_bytes(std::size_t klen, std::size_t vlen) { return (16 + klen + vlen + 7) / 8 * 8; }

TEST_CASE("empty table: nothing to get, erase finds nothing, scans see nothing") {
  HeapTable table(200 * 1024);
  auto t = table->lock();
  CHECK(t.count() == 0);
  CHECK_FALSE(t.get("a").has_value());
  CHECK_FALSE(t.contains("a"));
  CHECK_FALSE(t.erase("a"));
  int rows = 0;
  t.scan(true, std::nullopt, [&](auto, auto) { ++rows; });
  t.scan(false, 5, [&](auto, auto) { ++rows; });
  CHECK(rows == 0);
  require_consistent(t);
}

TEST_CASE("put, get, overwrite, erase; the Lsn follows the last write") {
  HeapTable table(200 * 1024);
  auto t = table->lock();
  REQUIRE(t.can_put("k1", 3));
  t.put("k1", "one", Lsn{100});
  t.put("k2", "", Lsn{101});
  CHECK(*t.get("k1") == "one");
  CHECK(t.get("k2").has_value());
  CHECK(t.get("k2")->empty());
  CHECK(*t.lsn("k1") == Lsn{100});
  t.put("k1", "a much longer value than before", Lsn{200});
  CHECK(*t.get("k1") == "a much longer value than before");
  CHECK(*t.lsn("k1") == Lsn{200});
  CHECK(t.count() == 2);
  CHECK(t.erase("k1"));
  CHECK_FALSE(t.erase("k1"));
  CHECK_FALSE(t.get("k1").has_value());
  CHECK(t.count() == 1);
  t.put("", "empty key is a key", Lsn{300});
  CHECK(*t.get("") == "empty key is a key");
  require_consistent(t);
}

TEST_CASE("random puts, overwrites and erases agree with a model, through many compactions") {
  // Small table, so the heap top wraps and compacts many times.
  HeapTable table(64 * 1024);
  std::mt19937 rng(12345);
  Model m;
  auto t = table->lock();
  for (int op = 0; op < 20000; ++op) {
    const std::string k = "key" + std::to_string(rng() % 300);
    const unsigned what = rng() % 10;
    if (what < 6) {
      const std::string v = random_bytes(rng, rng() % 200);
      if (t.can_put(k, v.size())) {
        t.put(k, v, Lsn{static_cast<std::uint64_t>(op + 1)});
        m[k] = v;
      }
    } else {
      CHECK(t.erase(k) == (m.erase(k) == 1));
    }
    if (op % 997 == 0) {
      require_consistent(t);
      require_equal(t, m);
    }
  }
  require_consistent(t);
  require_equal(t, m);
}

TEST_CASE("can_put is false exactly when the row would not fit, and erasing makes room again") {
  HeapTable table(100 * 1024);
  std::mt19937 rng(7);
  Model m;
  auto t = table->lock();
  const auto heap = t.usage().heap_bytes;
  const auto max_entries = t.usage().max_entries;
  std::uint64_t used = 0;  // by our own accounting
  int refused = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::string k = "row" + std::to_string(i);
    const std::size_t vlen = rng() % 400;
    const bool fits = m.size() < max_entries && used + block_bytes(k.size(), vlen) <= heap;
    REQUIRE(t.can_put(k, vlen) == fits);
    if (!fits) {
      ++refused;
      continue;
    }
    t.put(k, std::string(vlen, 'v'), Lsn{1});
    m[k] = std::string(vlen, 'v');
    used += block_bytes(k.size(), vlen);
  }
  REQUIRE(refused > 0);
  CHECK(t.usage().heap_live_bytes == used);
  require_consistent(t);
  require_equal(t, m);

  // Full: an overwrite may use what its own old value frees, not more.
  const auto& [k0, v0] = *m.begin();
  const std::uint64_t free_now = heap - used;
  const std::uint64_t old_block = block_bytes(k0.size(), v0.size());
  CHECK(t.can_put(k0, v0.size()));
  // heap and every block are multiples of 8, so this is the exact boundary.
  const std::uint64_t allowed = free_now + old_block;
  const std::size_t vmax = allowed - 16 - k0.size();
  CHECK(t.can_put(k0, vmax));
  CHECK_FALSE(t.can_put(k0, vmax + 1));
  t.put(k0, std::string(vmax, 'w'), Lsn{3});
  m[k0] = std::string(vmax, 'w');
  used = heap;
  CHECK(t.usage().heap_live_bytes == heap);
  require_consistent(t);

  // A new key too large for what is left: refused; after erasing enough rows,
  // accepted.
  const std::string big(2000, 'b');
  CHECK_FALSE(t.can_put("big", big.size()));
  std::uint64_t freed = 0;
  for (auto it = m.begin(); freed + (heap - used) < block_bytes(3, big.size());) {
    freed += block_bytes(it->first.size(), it->second.size());
    REQUIRE(t.erase(it->first));
    it = m.erase(it);
  }
  REQUIRE(t.can_put("big", big.size()));
  t.put("big", big, Lsn{2});
  m["big"] = big;
  require_consistent(t);
  require_equal(t, m);
}

TEST_CASE("running out of index slots refuses new keys but still allows overwrites") {
  HeapTable table(64 * 1024);
  auto t = table->lock();
  const auto slots = t.usage().max_entries;
  for (std::uint64_t i = 0; i < slots; ++i) {
    const std::string k = std::to_string(i);
    REQUIRE(t.can_put(k, 0));
    t.put(k, "", Lsn{1});
  }
  CHECK_FALSE(t.can_put("one more", 0));
  CHECK(t.can_put("0", 10));
  t.put("0", "0123456789", Lsn{2});
  REQUIRE(t.erase("1"));
  CHECK(t.can_put("one more", 0));
  require_consistent(t);
}

TEST_CASE("no leak: fill, erase all, fill again to the same count, many times") {
  HeapTable table(128 * 1024);
  auto t = table->lock();
  auto fill = [&](int round) {
    std::size_t n = 0;
    while (true) {
      const std::string k = "r" + std::to_string(round) + "-" + std::to_string(100000 + n);
      const std::string v(90, static_cast<char>('a' + round % 26));
      if (!t.can_put(k, v.size())) break;
      t.put(k, v, Lsn{n + 1});
      ++n;
    }
    return n;
  };
  const std::size_t first = fill(0);
  REQUIRE(first > 100);
  for (int round = 1; round < 6; ++round) {
    std::vector<std::string> keys;
    t.scan(false, std::nullopt, [&](std::string_view k, auto) { keys.emplace_back(k); });
    // Erase in an order unlike insertion, so the heap is full of holes.
    for (std::size_t i = 0; i < keys.size(); i += 2) REQUIRE(t.erase(keys[i]));
    for (std::size_t i = 1; i < keys.size(); i += 2) REQUIRE(t.erase(keys[i]));
    REQUIRE(t.count() == 0);
    CHECK(t.usage().heap_live_bytes == 0);
    CHECK(fill(round) == first);
    require_consistent(t);
  }
  t.clear();
  CHECK(t.count() == 0);
  CHECK(fill(99) == first);
  require_consistent(t);
}

TEST_CASE("ordered scan is by unsigned byte order, with and without a limit") {
  HeapTable table(200 * 1024);
  auto t = table->lock();
  std::mt19937 rng(99);
  Model m;
  const std::vector<std::string> special = {"", "a", "ab", "b", "B", "\x7f", "\x80", "\xff", "\xff\xff", "a\0b"};
  for (const auto& k : special) m[k] = "v" + k;
  for (int i = 0; i < 500; ++i) m[random_bytes(rng, 1 + rng() % 12)] = std::to_string(i);
  for (const auto& [k, v] : m) t.put(k, v, Lsn{1});

  // std::map<std::string> orders by char_traits<char>::lt, unsigned bytes.
  std::vector<std::pair<std::string, std::string>> want(m.begin(), m.end());
  for (std::optional<std::size_t> limit : {std::optional<std::size_t>{}, std::optional<std::size_t>{0},
                                           std::optional<std::size_t>{1}, std::optional<std::size_t>{7},
                                           std::optional<std::size_t>{m.size()},
                                           std::optional<std::size_t>{m.size() + 10}}) {
    std::vector<std::pair<std::string, std::string>> got;
    t.scan(true, limit, [&](std::string_view k, std::string_view v) { got.emplace_back(k, v); });
    const std::size_t n = std::min(limit.value_or(m.size()), m.size());
    REQUIRE(got.size() == n);
    CHECK(std::equal(got.begin(), got.end(), want.begin()));
  }
  CHECK(std::string_view(want.front().first).empty());
  CHECK(want.back().first == "\xff\xff");

  std::size_t unordered = 0;
  t.scan(false, 5, [&](auto, auto) { ++unordered; });
  CHECK(unordered == 5);
}

TEST_CASE("1 kB keys and 8 kB values fit the smallest table and come back intact") {
  HeapTable table(KvTable::kMinTableBytes);
  std::mt19937 rng(3);
  Model m;
  auto t = table->lock();
  for (int i = 0; i < 100; ++i) {
    std::string k = random_bytes(rng, kMaxKeyBytes);
    std::string v = random_bytes(rng, kMaxValueBytes);
    if (!t.can_put(k, v.size())) break;
    t.put(k, v, Lsn{1});
    m[k] = v;
  }
  REQUIRE(m.size() >= 2);
  CHECK(m.size() < 100);
  require_equal(t, m);
  // Overwrite each with a fresh large value: forces compaction while full.
  for (auto& [k, v] : m) {
    v = random_bytes(rng, kMaxValueBytes);
    REQUIRE(t.can_put(k, v.size()));
    t.put(k, v, Lsn{2});
  }
  require_equal(t, m);
  require_consistent(t);
}

TEST_CASE("put may take its bytes from the table itself, even when it compacts") {
  HeapTable table(64 * 1024);
  auto t = table->lock();
  const std::string big(6000, 'x');
  t.put("a", big, Lsn{1});
  for (int i = 0; i < 30; ++i) {
    const std::string_view src = *t.get("a");
    REQUIRE(t.can_put("b", src.size()));
    t.put("b", src, Lsn{2});
    REQUIRE(t.can_put("a", src.size()));
    t.put("a", *t.get("b"), Lsn{3});
  }
  CHECK(*t.get("a") == big);
  CHECK(*t.get("b") == big);
  require_consistent(t);
}

TEST_CASE("two forked processes write different keys at once; the parent sees all of it") {
  const std::size_t bytes = KvTable::shmem_size(512 * 1024);
  void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(mem != MAP_FAILED);
  KvTable* table = KvTable::shmem_init(mem, 512 * 1024);
  constexpr int kRows = 1500;
  table->lock().put("counter", "0", Lsn{1});

  // Both children start writing only once both exist, so they overlap.
  void* flag_mem = ::mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(flag_mem != MAP_FAILED);
  auto* ready = new (flag_mem) std::atomic<int>(0);
  auto writer = [table, ready](int who) {
    ready->fetch_add(1);
    while (ready->load() < 2) {
    }
    // Each write takes and drops the lock, so the two interleave.
    for (int i = 0; i < kRows; ++i) {
      const std::string k = "p" + std::to_string(who) + ":" + std::to_string(i);
      auto t = table->lock();
      if (!t.can_put(k, 40)) _exit(3);
      t.put(k, std::string(40, static_cast<char>('0' + who)), Lsn{static_cast<std::uint64_t>(i + 1)});
      // A read-modify-write of one shared key loses updates unless the lock
      // really excludes the other process.
      const std::string n = std::to_string(std::stoi(std::string(*t.get("counter"))) + 1);
      t.put("counter", n, Lsn{1});
    }
    for (int i = 0; i < kRows; i += 3) {
      auto t = table->lock();
      if (!t.erase("p" + std::to_string(who) + ":" + std::to_string(i))) _exit(4);
    }
    for (int i = 1; i < kRows; i += 3) {
      auto t = table->lock();
      t.put("p" + std::to_string(who) + ":" + std::to_string(i), "updated", Lsn{99999});
    }
    _exit(0);
  };
  pid_t kids[2];
  for (int who = 0; who < 2; ++who) {
    kids[who] = ::fork();
    REQUIRE(kids[who] >= 0);
    if (kids[who] == 0) writer(who);
  }
  for (pid_t kid : kids) {
    int status = 0;
    REQUIRE(::waitpid(kid, &status, 0) == kid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  {
    auto t = table->lock();
    require_consistent(t);
    Model m;
    for (int who = 0; who < 2; ++who) {
      for (int i = 0; i < kRows; ++i) {
        const std::string k = "p" + std::to_string(who) + ":" + std::to_string(i);
        if (i % 3 == 0) continue;
        m[k] = i % 3 == 1 ? "updated" : std::string(40, static_cast<char>('0' + who));
      }
    }
    m["counter"] = std::to_string(2 * kRows);
    require_equal(t, m);
    CHECK(*t.lsn("p1:1") == Lsn{99999});
    CHECK(*t.lsn("p0:2") == Lsn{3});
  }
  ::munmap(mem, bytes);
  ::munmap(flag_mem, sizeof(std::atomic<int>));
}

}  // namespace
}  // namespace pmemu::kv
