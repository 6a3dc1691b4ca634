// Limits a session runs into: statement_timeout stops a long statement,
// idle_session_timeout ends an idle session, and the last
// superuser_reserved_connections places are kept for superusers.
#include <doctest.h>

#include <chrono>
#include <vector>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/command.h"
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
  const auto made = c.pmctl({"role", "-D", c.data_dir().string(), "create", "plain", "--login"});
  REQUIRE_MESSAGE(made.exit_code == 0, made.describe());
  c.start();
  const std::string plain = c.conninfo() + " user=plain";
  std::vector<PgConn> held;
  held.push_back(PgConn::connect(plain));
  held.push_back(PgConn::connect(plain));
  REQUIRE(held[0].connected());
  REQUIRE(held[1].connected());
  // is_superuser tells the role that logged in, at start and in SHOW.
  CHECK(held[0].parameter("is_superuser") == "off");
  CHECK(held[0].exec("SHOW is_superuser").get() == "off");
  auto refused = PgConn::connect(plain);
  CHECK(!refused.connected());
  CHECK(refused.connect_sqlstate() == "53300");
  CHECK(contains(refused.connect_error(), "remaining connection slots are reserved for non-replication superuser connections"));
  // The superuser still gets the two reserved places.
  auto su1 = c.session();
  auto su2 = c.session();
  CHECK(su1.exec("SELECT 1").ok());
  CHECK(su2.exec("SELECT 1").ok());
  CHECK(su1.exec("SHOW is_superuser").get() == "on");
  auto over = c.connect();
  CHECK(over.connect_sqlstate() == "53300");
  CHECK(contains(over.connect_error(), "sorry, too many clients already"));
}

namespace {

// The keepalive timer `ss -o` shows for the server side of TCP connections
// to `port`, e.g. "timer:(keepalive,1min16sec,0)", one line per socket.
std::string keepalive_timers(int port) {
  auto r = run_command({"ss", "-t", "-n", "-o", "state", "established", "( sport = :" + std::to_string(port) + " )"});
  std::string timers;
  for (auto pos = r.out.find("timer:("); pos != std::string::npos; pos = r.out.find("timer:(", pos + 1))
    timers += r.out.substr(pos, r.out.find(')', pos) - pos + 1) + "\n";
  return timers;
}

}  // namespace

TEST_CASE("020 limits: tcp_keepalives_* settings are shown and set on the client socket") {
  Cluster c;
  c.init();
  c.start();
  auto s = PgConn::connect(c.conninfo() +
                           " options='-c tcp_keepalives_idle=77 -c tcp_keepalives_interval=11 -c tcp_keepalives_count=5'");
  REQUIRE_MESSAGE(s.connected(), s.connect_error());
  CHECK(s.exec("SHOW tcp_keepalives_idle").get() == "77s");
  CHECK(s.exec("SHOW tcp_keepalives_interval").get() == "11s");
  CHECK(s.exec("SHOW tcp_keepalives_count").get() == "5");
  wait_for("a keepalive timer of at most 77 s on the server's socket", 10s, [&](std::string& seen) {
    seen = keepalive_timers(c.port());
    return seen.find("timer:(keepalive,1min") != std::string::npos;
  });
  REQUIRE(s.exec("SET tcp_keepalives_idle = 20").ok());
  wait_for("the keepalive timer to follow SET (at most 20 s)", 10s, [&](std::string& seen) {
    seen = keepalive_timers(c.port());
    return seen.find("timer:(keepalive,1") != std::string::npos && seen.find("min") == std::string::npos &&
           seen.find("sec") != std::string::npos;
  });
}
