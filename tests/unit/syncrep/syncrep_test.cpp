// synchronous_standby_names parsing and the choice of synchronous standbys.
#include <doctest.h>

#include "syncrep/standby_names.h"
#include "syncrep/sync_positions.h"

using namespace pmemu::syncrep;
using pmemu::Lsn;

namespace {
StandbyNames parse(const char* s) {
  std::string err;
  auto r = parse_standby_names(s, &err);
  REQUIRE_MESSAGE(r, s << ": " << err);
  return *r;
}
bool bad(const char* s) {
  std::string err;
  return !parse_standby_names(s, &err) && !err.empty();
}
StandbyState st(const char* name, std::uint64_t w, std::uint64_t f, std::uint64_t a, bool streaming = true) {
  return StandbyState{name, streaming, Lsn{w}, Lsn{f}, Lsn{a}};
}
}  // namespace

TEST_CASE("standby names: the forms PostgreSQL accepts") {
  CHECK_FALSE(parse("").defined());
  CHECK_FALSE(parse("   ").defined());
  auto star = parse("*");
  CHECK(star.method == SyncMethod::Priority);
  CHECK(star.num_sync == 1);
  CHECK(star.priority_of("anything") == 1);
  auto list = parse("s1, S2 ,s3");
  CHECK(list.num_sync == 1);
  CHECK(list.priority_of("s2") == 2);
  CHECK(list.priority_of("S3") == 3);
  CHECK(list.priority_of("other") == 0);
  auto first = parse("FIRST 2 (a, b, c)");
  CHECK(first.method == SyncMethod::Priority);
  CHECK(first.num_sync == 2);
  auto any = parse("any 2 (a, \"B b\")");
  CHECK(any.method == SyncMethod::Quorum);
  CHECK(any.priority_of("B b") == 2);
  CHECK(any.priority_of("b b") == 2);  // matching ignores case, as pg_strcasecmp does
  auto bare = parse("2 (x, y)");
  CHECK(bare.method == SyncMethod::Priority);
  CHECK(bare.num_sync == 2);
  auto named_first = parse("first");  // a standby called "first"
  CHECK(named_first.priority_of("first") == 1);
}

TEST_CASE("standby names: malformed values are refused") {
  CHECK(bad("FIRST 2 (a, b"));
  CHECK(bad("ANY 0 (a)"));
  CHECK(bad("a,"));
  CHECK(bad("(a)"));
  CHECK(bad("\"unterminated"));
  CHECK(bad("ANY 1 (a) b"));
}

TEST_CASE("priority: the best-listed connected standbys are sync, the rest potential") {
  auto cfg = parse("FIRST 1 (a, b)");
  auto r = compute_sync_positions(cfg, {st("b", 50, 40, 30), st("a", 90, 80, 70), st("c", 99, 99, 99)});
  CHECK(r.enough);
  CHECK(r.sync_state == std::vector<std::string>{"potential", "sync", "async"});
  CHECK(r.flush == Lsn{80});
  // a disconnects: b takes over.
  auto r2 = compute_sync_positions(cfg, {st("b", 50, 40, 30), st("a", 90, 80, 70, false)});
  CHECK(r2.enough);
  CHECK(r2.flush == Lsn{40});
  CHECK(r2.sync_state[0] == "sync");
}

TEST_CASE("priority with two: positions are the minimum over both") {
  auto r = compute_sync_positions(parse("FIRST 2 (a, b, c)"), {st("a", 90, 80, 70), st("b", 60, 50, 40), st("c", 10, 10, 10)});
  CHECK(r.enough);
  CHECK(r.write == Lsn{60});
  CHECK(r.flush == Lsn{50});
  CHECK(r.apply == Lsn{40});
  CHECK(r.sync_state == std::vector<std::string>{"sync", "sync", "potential"});
}

TEST_CASE("not enough synchronous standbys: nothing is released") {
  auto r = compute_sync_positions(parse("FIRST 2 (a, b)"), {st("a", 90, 80, 70)});
  CHECK_FALSE(r.enough);
  auto none = compute_sync_positions(parse("s1"), {});
  CHECK_FALSE(none.enough);
}

TEST_CASE("quorum: the n-th best position of each kind") {
  auto r = compute_sync_positions(parse("ANY 2 (a, b, c)"), {st("a", 90, 80, 70), st("b", 60, 50, 40), st("c", 75, 65, 55)});
  CHECK(r.enough);
  CHECK(r.flush == Lsn{65});
  CHECK(r.write == Lsn{75});
  CHECK(r.apply == Lsn{55});
  CHECK(r.sync_state == std::vector<std::string>{"quorum", "quorum", "quorum"});
}

TEST_CASE("no synchronous_standby_names: everyone async, nothing to wait for") {
  auto r = compute_sync_positions(parse(""), {st("a", 1, 1, 1)});
  CHECK_FALSE(r.enough);
  CHECK(r.sync_state[0] == "async");
}
