#include <doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "faults/catalogue.h"
#include "faults/registry.h"
#include "faults/spec.h"

using namespace pmemu::faults;

namespace {

std::vector<std::uint64_t> firings(const FaultSpec& s, std::uint64_t hits) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t h = 1; h <= hits; ++h)
    if (decide(s, h, out.size())) out.push_back(h);
  return out;
}

}  // namespace

TEST_CASE("an entry gives the point, its action and its options") {
  NamedSpec e;
  std::string err;
  REQUIRE(parse_entry("startup.mid_redo:sleep=250:nth=3:times=2:p=0.5:seed=7", &e, &err));
  CHECK(e.name == "startup.mid_redo");
  CHECK(e.spec.action == Action::Sleep);
  CHECK(e.spec.arg == 250);
  CHECK(e.spec.nth == 3);
  CHECK(e.spec.times == 2);
  CHECK(e.spec.p_millionths == 500000);
  CHECK(e.spec.seed == 7);
  REQUIRE(parse_entry(" backend.before_commit_reply : exit=3 ", &e, &err));
  CHECK(e.spec.action == Action::Exit);
  CHECK(action_text(e.spec) == "exit=3");
}

TEST_CASE("bad entries are refused with the reason") {
  NamedSpec e;
  std::string err;
  CHECK_FALSE(parse_entry("no.such_point:panic", &e, &err));
  CHECK(err == "unknown fault point \"no.such_point\"");
  CHECK_FALSE(parse_entry("startup.mid_redo:explode", &e, &err));
  CHECK(err.find("invalid fault action \"explode\"") == 0);
  CHECK_FALSE(parse_entry("startup.mid_redo", &e, &err));
  CHECK_FALSE(parse_entry("startup.mid_redo:exit=300", &e, &err));
  CHECK_FALSE(parse_entry("startup.mid_redo:wait:nth=0", &e, &err));
  CHECK_FALSE(parse_entry("startup.mid_redo:wait:p=1.5", &e, &err));
  CHECK_FALSE(parse_entry("startup.mid_redo:wait:colour=red", &e, &err));
  CHECK_FALSE(parse_entry("startup.mid_redo:error=1", &e, &err));
}

TEST_CASE("the setting is a comma-separated list; empty arms nothing") {
  std::vector<NamedSpec> v;
  std::string err;
  REQUIRE(parse_setting("", &v, &err));
  CHECK(v.empty());
  REQUIRE(parse_setting("startup.mid_redo:wait, backend.before_auth:fatal:times=1", &v, &err));
  REQUIRE(v.size() == 2);
  CHECK(v[1].name == "backend.before_auth");
  CHECK(v[1].spec.times == 1);
  CHECK_FALSE(parse_setting("startup.mid_redo:wait,", &v, &err));
}

TEST_CASE("nth fires on that hit only, times caps the firings") {
  FaultSpec s;
  s.action = Action::Error;
  CHECK(firings(s, 4) == std::vector<std::uint64_t>{1, 2, 3, 4});
  s.nth = 3;
  CHECK(firings(s, 6) == std::vector<std::uint64_t>{3});
  s.nth = 0;
  s.times = 2;
  CHECK(firings(s, 6) == std::vector<std::uint64_t>{1, 2});
  s.action = Action::None;
  CHECK(firings(s, 6).empty());
}

TEST_CASE("a seeded probability: the same seed gives the same firings, another seed others") {
  FaultSpec s;
  s.action = Action::Panic;
  s.p_millionths = 300000;
  s.seed = 42;
  const auto a = firings(s, 1000);
  CHECK(a == firings(s, 1000));
  CHECK(a.size() > 200);
  CHECK(a.size() < 400);
  s.seed = 43;
  CHECK(firings(s, 1000) != a);
  s.p_millionths = 0;
  CHECK(firings(s, 1000).empty());
}

TEST_CASE("point ids resolve at compile time and the catalogue names are unique") {
  static_assert(point_id("postmaster.before_state.PM_INIT") == 0);
  CHECK(kPoints.size() >= 25);
  for (std::size_t i = 0; i < kPoints.size(); ++i) CHECK(find_point(kPoints[i].name) == static_cast<PointId>(i));
  CHECK_FALSE(find_point("nope").has_value());
}

TEST_CASE("the registry counts hits and firings; an unarmed point counts nothing") {
  auto mem = std::make_unique<Registry>();
  Registry* r = Registry::shmem_init(mem.get());
  set_registry(r);
  constexpr PointId id = point_id("walsender.before_send");
  CHECK_FALSE(FAULT_POINT("walsender.before_send"));
  CHECK(read_slot(*r, id).hits == 0);

  FaultSpec s;
  s.action = Action::Sleep;
  s.arg = 0;
  s.nth = 2;
  std::string err;
  REQUIRE(arm(*r, id, s, &err));
  for (int i = 0; i < 4; ++i) CHECK_FALSE(FAULT_POINT("walsender.before_send"));
  auto v = read_slot(*r, id);
  CHECK(v.armed);
  CHECK(v.hits == 4);
  CHECK(v.fired == 1);
  CHECK(action_text(v.spec) == "sleep=0");

  s.action = Action::Error;
  s.nth = 0;
  REQUIRE(arm(*r, id, s, &err));
  set_process_hooks({.has_client = true});
  CHECK(FAULT_POINT("walsender.before_send"));
  CHECK(read_slot(*r, id).fired == 1);

  s.pid = 1;  // not us
  REQUIRE(arm(*r, id, s, &err));
  CHECK_FALSE(FAULT_POINT("walsender.before_send"));
  CHECK(read_slot(*r, id).hits == 0);

  REQUIRE(clear(*r, id, &err));
  CHECK_FALSE(read_slot(*r, id).armed);
  set_registry(nullptr);
}
