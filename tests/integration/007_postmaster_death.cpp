// kill -9 of the postmaster: every child notices and exits within a second.
// A child kept alive (SIGSTOP) still holds the old shared memory, and a new
// start must refuse until it is gone.
#include <doctest.h>

#include <signal.h>

#include <algorithm>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

namespace {

std::string describe(const std::vector<pmemu::Pid>& pids) {
  std::string s;
  for (auto p : pids) s += std::to_string(p.get()) + " [" + process_title(p) + "] ";
  return s;
}

}  // namespace

TEST_CASE("007 postmaster death: every child exits within 1 s") {
  Cluster c;
  c.init();
  c.start();
  PgConn idle = c.session();
  REQUIRE(idle.exec("INSERT INTO kv VALUES ('a', 'b')").ok());
  const auto children = c.child_pids();
  REQUIRE_MESSAGE(children.size() >= 2, "expected at least the checkpointer and a backend: " << describe(children));
  REQUIRE(std::find(children.begin(), children.end(), pmemu::Pid(idle.server_pid())) != children.end());

  c.kill9_postmaster();
  wait_for("every child of the killed postmaster to exit", 1s, [&](std::string& seen) {
    std::vector<pmemu::Pid> alive;
    for (auto p : children) {
      if (is_alive(p)) alive.push_back(p);
    }
    seen = "still alive: " + describe(alive);
    return alive.empty();
  });
  CHECK_FALSE(idle.exec("SELECT 1").ok());
  CHECK_FALSE(c.connect().connected());

  // A new postmaster takes over after crash recovery; the row is there.
  c.start();
  CHECK(trim(c.psql("SELECT v FROM kv WHERE k = 'a'").out) == "b");
}

TEST_CASE("007 postmaster death: a start is refused while an old child is attached") {
  Cluster c;
  c.init();
  c.start();
  PgConn s = c.session();
  REQUIRE(s.exec("INSERT INTO kv VALUES ('kept', 'yes')").ok());
  const pmemu::Pid frozen(s.server_pid());
  const pmemu::Pid old_pm = c.postmaster_pid();
  const auto children = c.child_pids();

  REQUIRE(::kill(frozen.get(), SIGSTOP) == 0);
  c.kill9_postmaster();
  wait_for("the old postmaster and every unfrozen child to exit", 5s, [&](std::string& seen) {
    std::vector<pmemu::Pid> alive;
    if (is_alive(old_pm)) alive.push_back(old_pm);
    for (auto p : children) {
      if (p != frozen && is_alive(p)) alive.push_back(p);
    }
    seen = "still alive: " + describe(alive);
    return alive.empty();
  });
  REQUIRE(is_alive(frozen));

  const size_t log_before = c.log_size();
  const CmdResult refused = c.try_start();
  CHECK_MESSAGE(refused.exit_code != 0, refused.describe());
  const std::string said = refused.out + refused.err + c.log().substr(log_before);
  CHECK_MESSAGE(contains(said, "pre-existing shared memory block"), said);
  CHECK_MESSAGE(contains(said, "is still in use"), said);
  c.wait_postmaster_gone(10s);  // the refused postmaster must not linger

  REQUIRE(::kill(frozen.get(), SIGKILL) == 0);
  wait_for("the frozen backend to die", 5s, [&](std::string& seen) {
    seen = is_alive(frozen) ? "alive" : "gone";
    return !is_alive(frozen);
  });
  c.start();
  CHECK(trim(c.psql("SELECT v FROM kv WHERE k = 'kept'").out) == "yes");
}
