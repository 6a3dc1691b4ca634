// Sessions at the edges: a cancel request, the connection limit, pg_hba.conf
// refusals, unknown roles, a broken start-up packet, a client that never
// speaks, and restart_after_crash = off.
#include <doctest.h>

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

// A raw TCP connection to the server, for what libpq would never send.
int raw_connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// Everything the server sends until it closes the socket (bounded).
std::string read_until_closed(int fd) {
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string got;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

}  // namespace

TEST_CASE("011 sessions: a cancel request stops the running statement with 57014 and the session goes on") {
  Cluster c;
  c.init();
  c.start();
  PGconn* conn = PQconnectdb(c.conninfo().c_str());
  REQUIRE(PQstatus(conn) == CONNECTION_OK);
  REQUIRE(PQsendQuery(conn, "SELECT pg_sleep(30)") == 1);
  // Wait until the backend shows the statement as active, then cancel it.
  wait_for("the sleeping statement to be active", 10s, [&](std::string& seen) {
    seen = c.psql("SELECT * FROM pg_stat_activity").out;
    return contains(seen, "|active|") && contains(seen, "SELECT pg_sleep(30)");
  });
  const auto t0 = std::chrono::steady_clock::now();
  send_cancel(conn);
  PGresult* r = PQgetResult(conn);
  REQUIRE(r != nullptr);
  CHECK(PQresultStatus(r) == PGRES_FATAL_ERROR);
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  CHECK(std::string(state ? state : "") == "57014");
  CHECK(contains(PQresultErrorMessage(r), "canceling statement due to user request"));
  PQclear(r);
  while ((r = PQgetResult(conn)) != nullptr) PQclear(r);
  CHECK(std::chrono::steady_clock::now() - t0 < 5s);
  r = PQexec(conn, "SELECT 1");
  CHECK(PQresultStatus(r) == PGRES_TUPLES_OK);
  PQclear(r);
  PQfinish(conn);
}

TEST_CASE("011 sessions: max_connections refuses the next client with 53300") {
  Cluster c;
  c.init({"max_connections=2", "superuser_reserved_connections=0"});
  c.start();
  PgConn a = c.session();
  PgConn b = c.session();
  PgConn third = c.connect();
  CHECK_FALSE(third.connected());
  CHECK_MESSAGE(third.connect_sqlstate() == "53300", third.connect_error());
  CHECK(contains(third.connect_error(), "sorry, too many clients already"));
  a.close();
  // The place comes back once a session ends.
  wait_for("a connection place to be free again", 10s, [&](std::string& seen) {
    PgConn again = c.connect();
    seen = again.connect_error();
    return again.connected();
  });
}

TEST_CASE("011 sessions: pg_hba.conf reject and unknown roles give 28000") {
  Cluster c;
  c.init();
  {
    // Reject TCP connections from loopback; keep the Unix socket open.
    std::ofstream hba(c.data_dir() / "pg_hba.conf", std::ios::trunc);
    hba << "local all all trust\nhost all all 127.0.0.1/32 reject\n";
  }
  c.start();
  PgConn refused = c.connect(Via::Tcp);
  CHECK_FALSE(refused.connected());
  CHECK_MESSAGE(refused.connect_sqlstate() == "28000", refused.connect_error());
  CHECK(contains(refused.connect_error(), "pg_hba.conf rejects connection for host \"127.0.0.1\""));

  // A later keyword wins in a libpq conninfo string.
  PgConn no_role = PgConn::connect(c.conninfo(Via::UnixSocket) + " user=nobody_here");
  CHECK_FALSE(no_role.connected());
  CHECK_MESSAGE(no_role.connect_sqlstate() == "28000", no_role.connect_error());
  CHECK(contains(no_role.connect_error(), "role \"nobody_here\" does not exist"));
  CHECK(c.session(Via::UnixSocket).exec("SELECT 1").ok());
}

TEST_CASE("011 sessions: a bad start-up packet and a silent client end only their own connection") {
  Cluster c;
  c.init({"authentication_timeout=1s"});
  c.start();
  // An unknown protocol version: PostgreSQL's FATAL, then the socket closes.
  int fd = raw_connect(c.port());
  const unsigned char bad[8] = {0, 0, 0, 8, 0, 9, 0, 0};  // version 9.0
  REQUIRE(::send(fd, bad, sizeof bad, MSG_NOSIGNAL) == 8);
  const std::string reply = read_until_closed(fd);
  ::close(fd);
  REQUIRE_FALSE(reply.empty());
  CHECK(reply[0] == 'E');
  CHECK(contains(reply, "unsupported frontend protocol 9.0"));

  // A client that connects and says nothing is dropped after authentication_timeout.
  const auto before = c.child_pids();
  int silent = raw_connect(c.port());
  const auto t0 = std::chrono::steady_clock::now();
  const std::string nothing = read_until_closed(silent);
  ::close(silent);
  CHECK(nothing.empty());
  const auto waited = std::chrono::steady_clock::now() - t0;
  CHECK(waited >= 900ms);
  CHECK(waited < 5s);

  // Neither disturbed the server.
  CHECK(trim(c.psql("SELECT 1").out) == "1");
  CHECK(is_alive(c.postmaster_pid()));
  CHECK(c.count_in_log("terminating any other active server processes") == 0);
  (void)before;
}

TEST_CASE("011 sessions: restart_after_crash = off makes the postmaster exit after a crash") {
  Cluster c;
  c.init({"restart_after_crash=off"});
  c.start();
  PgConn s = c.session();
  const pmemu::Pid pm = c.postmaster_pid();
  REQUIRE(::kill(s.server_pid(), SIGKILL) == 0);
  c.wait_for_log("shutting down because restart_after_crash is off", 10s);
  c.wait_postmaster_gone(10s);
  CHECK_FALSE(is_alive(pm));
  CHECK_FALSE(std::filesystem::exists(c.data_dir() / "postmaster.pid"));
  // The next start recovers and works.
  c.start();
  CHECK(trim(c.psql("SELECT 1").out) == "1");
}
