#include "kv/kv_image.h"

#include <doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <tuple>

#include "tests/unit/kv/heap_table.h"

namespace pmemu::kv {
namespace {

namespace fs = std::filesystem;
using testing::HeapTable;
using Rows = std::map<std::string, std::pair<std::string, std::uint64_t>>;

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "kv-image-test-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() { fs::remove_all(path_); }
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Rows rows_of(const KvTable::Locked& t) {
  Rows r;
  t.for_each([&](std::string_view k, std::string_view v, Lsn lsn) { r[std::string(k)] = {std::string(v), lsn.get()}; });
  return r;
}

void fill_random(KvTable::Locked& t, int n, unsigned seed) {
  std::mt19937 rng(seed);
  for (int i = 0; i < n; ++i) {
    std::string k = "key" + std::to_string(i);
    std::string v(rng() % 300, '\0');
    for (auto& c : v) c = static_cast<char>(rng());
    REQUIRE(t.can_put(k, v.size()));
    t.put(k, v, Lsn{1000 + rng() % 1000});
  }
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

TEST_CASE("image round trip keeps every row, its Lsn and the redo point") {
  TempDir dir;
  const fs::path file = dir.path() / "kv.image";
  HeapTable src(256 * 1024);
  Rows want;
  {
    auto t = src->lock();
    fill_random(t, 400, 1);
    t.put("", "", Lsn{5});  // empty key and value survive too
    REQUIRE(t.erase("key7"));
    want = rows_of(t);
    const KvSnapshot snap = snapshot(t);
    CHECK(snap.entries == want.size());
    const auto st = write_image(file, snap, *Lsn::parse("0/3000148"));
    INFO(st.error);
    REQUIRE(st.ok());
  }
  CHECK_FALSE(fs::exists(dir.path() / "kv.image.tmp"));

  HeapTable dst(256 * 1024);
  auto t = dst->lock();
  t.put("stale", "row", Lsn{1});  // a load replaces, it does not merge
  const LoadedImage r = load_image(file, t);
  INFO(r.error);
  REQUIRE(r.ok());
  CHECK(r.redo.str() == "0/3000148");
  CHECK(r.entries == want.size());
  CHECK(rows_of(t) == want);
  CHECK_FALSE(t.check_invariants_for_test().has_value());
}

TEST_CASE("an empty table makes a valid image; rewriting replaces the old file") {
  TempDir dir;
  const fs::path file = dir.path() / "kv.image";
  HeapTable src(64 * 1024);
  {
    auto t = src->lock();
    t.put("a", "1", Lsn{1});
    REQUIRE(write_image(file, snapshot(t), Lsn{10}, Fsync{false}).ok());
    t.clear();
    REQUIRE(write_image(file, snapshot(t), Lsn{20}).ok());
  }
  HeapTable dst(64 * 1024);
  auto t = dst->lock();
  const LoadedImage r = load_image(file, t);
  REQUIRE(r.ok());
  CHECK(r.redo == Lsn{20});
  CHECK(r.entries == 0);
  CHECK(t.count() == 0);
}

TEST_CASE("a missing image is reported as missing, not as corrupt") {
  TempDir dir;
  HeapTable dst(64 * 1024);
  auto t = dst->lock();
  const LoadedImage r = load_image(dir.path() / "kv.image", t);
  CHECK(r.status == ImageStatus::Missing);
  CHECK(r.error.find("kv.image") != std::string::npos);
}

TEST_CASE("a write into a missing directory fails with a reason") {
  HeapTable src(64 * 1024);
  auto t = src->lock();
  const auto st = write_image("/nonexistent-dir-for-kv-test/kv.image", snapshot(t), Lsn{1});
  CHECK_FALSE(st.ok());
  CHECK(st.error.find("could not create file") != std::string::npos);
}

struct BadImageFixture {
  TempDir dir;
  fs::path file = dir.path() / "kv.image";
  std::string good;
  HeapTable dst{256 * 1024};

  BadImageFixture() {
    HeapTable src(256 * 1024);
    auto t = src->lock();
    fill_random(t, 50, 2);
    REQUIRE(write_image(file, snapshot(t), Lsn{77}, Fsync{false}).ok());
    good = read_file(file);
  }
  // Loads `bytes`; the table held one row before, which a rejected image
  // must leave alone (verification precedes any change).
  LoadedImage load(const std::string& bytes) {
    write_file(file, bytes);
    auto t = dst->lock();
    t.clear();
    t.put("keep", "me", Lsn{1});
    LoadedImage r = load_image(file, t);
    if (!r.ok()) {
      CHECK(t.count() == 1);
      CHECK(*t.get("keep") == "me");
    }
    return r;
  }
};

TEST_CASE_FIXTURE(BadImageFixture, "truncated images are rejected at every length") {
  REQUIRE(load(good).ok());
  for (std::size_t len : {std::size_t{0}, std::size_t{7}, std::size_t{32}, std::size_t{35}, std::size_t{36},
                          std::size_t{100}, good.size() / 2, good.size() - 5, good.size() - 1}) {
    CAPTURE(len);
    const LoadedImage r = load(good.substr(0, len));
    CHECK(r.status == ImageStatus::Truncated);
    CHECK_FALSE(r.error.empty());
  }
}

TEST_CASE_FIXTURE(BadImageFixture, "corrupt images are rejected: magic, version, any flipped byte, trailing bytes") {
  std::string bad = good;
  bad[0] = 'X';
  CHECK(load(bad).status == ImageStatus::Corrupt);
  bad = good;
  bad[8] = 2;  // version
  CHECK(load(bad).status == ImageStatus::Corrupt);
  for (std::size_t at : {std::size_t{16}, std::size_t{40}, good.size() / 2, good.size() - 5, good.size() - 1}) {
    CAPTURE(at);
    bad = good;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    const LoadedImage r = load(bad);
    CHECK_FALSE(r.ok());
    // A flipped length byte may make the entries run past the end; either
    // way the file is refused.
    CHECK((r.status == ImageStatus::Corrupt || r.status == ImageStatus::Truncated));
  }
  bad = good + std::string(10, '\0');
  CHECK_FALSE(load(bad).ok());
}

TEST_CASE("an image holding a key twice is corrupt and leaves the table empty") {
  TempDir dir;
  const fs::path file = dir.path() / "kv.image";
  HeapTable src(64 * 1024);
  KvSnapshot twice;
  {
    auto t = src->lock();
    t.put("dup", "value", Lsn{1});
    const KvSnapshot one = snapshot(t);
    twice.entries = 2;
    twice.bytes = 2 * one.bytes;
    twice.body = std::make_unique<std::byte[]>(twice.bytes);
    std::copy_n(one.body.get(), one.bytes, twice.body.get());
    std::copy_n(one.body.get(), one.bytes, twice.body.get() + one.bytes);
  }
  REQUIRE(write_image(file, twice, Lsn{1}, Fsync{false}).ok());
  HeapTable dst(64 * 1024);
  auto t = dst->lock();
  const LoadedImage r = load_image(file, t);
  CHECK(r.status == ImageStatus::Corrupt);
  CHECK(t.count() == 0);
}

TEST_CASE("an image larger than the table is refused, not crashed on, and the table is left empty") {
  TempDir dir;
  const fs::path file = dir.path() / "kv.image";
  HeapTable big(1024 * 1024);
  {
    auto t = big->lock();
    fill_random(t, 3000, 3);
    REQUIRE(write_image(file, snapshot(t), Lsn{5}, Fsync{false}).ok());
  }
  HeapTable small(64 * 1024);
  auto t = small->lock();
  const LoadedImage r = load_image(file, t);
  CHECK(r.status == ImageStatus::TooLarge);
  CHECK(r.error.find("kv_table_size") != std::string::npos);
  CHECK(t.count() == 0);
  CHECK_FALSE(t.check_invariants_for_test().has_value());
  // And the same file loads into a table that is big enough.
  HeapTable again(1024 * 1024);
  auto t2 = again->lock();
  CHECK(load_image(file, t2).ok());
  CHECK(t2.count() == 3000);
}

}  // namespace
}  // namespace pmemu::kv
