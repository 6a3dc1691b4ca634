// Limits a session runs into: statement_timeout stops a long statement,
// idle_session_timeout ends an idle session, and the last
// superuser_reserved_connections places are kept for superusers.
#include <doctest.h>

#include <chrono>
#include <fstream>
#include <vector>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

TEST_CASE("020 limits: statement_timeout cancels a long statement with 57014 and the session goes on") {
  Cluster c;
  c.init();
  c.start();
  auto s = c.session();
  REQUIRE(s.exec("SET statement_timeout = 300").ok());
  const auto t0 = std::chrono::steady_clock::now();
  auto r = s.exec("SELECT pg_sleep(20)");
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.sqlstate == "57014");
  CHECK(contains(r.message, "canceling statement due to statement timeout"));
  CHECK(took < 10s);
  CHECK(s.exec("SELECT pg_sleep(0.5)").sqlstate == "57014");
  REQUIRE(s.exec("SET statement_timeout = 0").ok());
  CHECK(s.exec("SELECT pg_sleep(0.5)").ok());
}

TEST_CASE("020 limits: idle_session_timeout ends an idle session with FATAL 57P05") {
  Cluster c;
  c.init();
  c.start();
  auto s = c.session();
  REQUIRE(s.exec("SET idle_session_timeout = 300").ok());
  c.wait_for_log("terminating connection due to idle-session timeout", 10s);
  auto r = s.exec("SELECT 1");
  CHECK(!r.ok());
  CHECK(s.told("57P05"));
  // A busy session is not idle: a statement longer than the timeout is fine.
  auto busy = c.session();
  REQUIRE(busy.exec("SET idle_session_timeout = 2000").ok());
  CHECK(busy.exec("SELECT pg_sleep(2.5)").ok());
  CHECK(busy.exec("SELECT 1").ok());
}

TEST_CASE("020 limits: the last superuser_reserved_connections places refuse ordinary roles with 53300") {
  Cluster c;
  c.init({"max_connections=4", "superuser_reserved_connections=2", "authentication_timeout=5s"});
  {
    std::ofstream roles(c.data_dir() / "global" / "pg_authid", std::ios::app);
    roles << "plain\tf\t\n";
  }
  c.start();
  const std::string plain = c.conninfo() + " user=plain";
  std::vector<PgConn> held;
  held.push_back(PgConn::connect(plain));
  held.push_back(PgConn::connect(plain));
  REQUIRE(held[0].connected());
  REQUIRE(held[1].connected());
  auto refused = PgConn::connect(plain);
  CHECK(!refused.connected());
  CHECK(refused.connect_sqlstate() == "53300");
  CHECK(contains(refused.connect_error(), "remaining connection slots are reserved for non-replication superuser connections"));
  // The superuser still gets the two reserved places.
  auto su1 = c.session();
  auto su2 = c.session();
  CHECK(su1.exec("SELECT 1").ok());
  CHECK(su2.exec("SELECT 1").ok());
  auto over = c.connect();
  CHECK(over.connect_sqlstate() == "53300");
  CHECK(contains(over.connect_error(), "sorry, too many clients already"));
}
