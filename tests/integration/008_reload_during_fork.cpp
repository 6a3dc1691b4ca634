// A reload that reaches a child the postmaster has only just forked. The
// postmaster forks for a connection and, in the same loop turn, handles a
// SIGHUP that came meanwhile: it reloads and signals every child, the fresh
// one included, which is then still in its first microseconds. That child
// must end up with the new settings (013's synchronous standby stayed
// "async" for 20 s when this went wrong) and must not die of the SIGHUP.
#include <doctest.h>

#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>

#include <chrono>
#include <string>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

// Drives a non-blocking connection attempt until `until` says stop.
PostgresPollingStatusType drive(PGconn* conn, bool (*until)(PostgresPollingStatusType), std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (!until(st) && std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{PQsocket(conn), static_cast<short>(st == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    ::poll(&pfd, 1, 50);
    st = PQconnectPoll(conn);
  }
  return st;
}

}  // namespace

TEST_CASE("008 reload: a backend forked as the postmaster takes a SIGHUP gets the new settings and survives") {
  Cluster c;
  c.init();
  c.start();
  const pmemu::Pid pm = c.postmaster_pid();
  REQUIRE(pm.valid());
  PgConn settled = c.session();  // forked long before: it always gets the reload
  for (int round = 1; round <= 200; ++round) {
    const std::string want = "v" + std::to_string(round);
    c.append_conf("synchronous_standby_names = '" + want + "'", "postgresql.auto.conf");
    // While the postmaster is stopped, a connection completes in the kernel
    // and a SIGHUP waits: on SIGCONT its poll() reports the connection, the
    // SIGHUP's handler runs, it forks the backend and then reloads.
    REQUIRE(::kill(pm.get(), SIGSTOP) == 0);
    PGconn* conn = PQconnectStart((c.conninfo() + " sslmode=disable gssencmode=disable").c_str());
    REQUIRE(conn != nullptr);
    const auto sent = drive(
        conn, [](PostgresPollingStatusType s) { return s == PGRES_POLLING_READING || s == PGRES_POLLING_FAILED; }, 5s);
    ::kill(pm.get(), SIGHUP);
    ::kill(pm.get(), SIGCONT);
    REQUIRE_MESSAGE(sent == PGRES_POLLING_READING, "the start-up packet was not sent: " << PQerrorMessage(conn));
    const auto done = drive(
        conn, [](PostgresPollingStatusType s) { return s == PGRES_POLLING_OK || s == PGRES_POLLING_FAILED; }, 10s);
    const std::string error = PQerrorMessage(conn);
    if (done != PGRES_POLLING_OK) PQfinish(conn);
    REQUIRE_MESSAGE(done == PGRES_POLLING_OK, "round " << round << ": connection failed: " << error << "\n" << c.log());
    std::string seen;
    const bool got = poll_until(5s, [&](std::string& s) {
      PGresult* r = PQexec(conn, "SHOW synchronous_standby_names");
      s = PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r);
      PQclear(r);
      return s == want;
    }, &seen);
    PQfinish(conn);
    wait_for("the older session to show " + want, 5s, [&](std::string& s) {
      s = settled.exec("SHOW synchronous_standby_names").get();
      return s == want;
    });
    CHECK_MESSAGE(got, "round " << round << ": the new backend still shows \"" << seen << "\", not \"" << want << "\"");
    CHECK_MESSAGE(c.count_in_log("was terminated by signal") == 0, c.log());
    if (!got) break;
  }
}
