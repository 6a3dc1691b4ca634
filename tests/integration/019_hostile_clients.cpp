// Clients that do not play by the rules: a cancel request that names no
// process, a client that never reads what it asked for, pipelines that would
// grow a backend without bound, and finally a suite of thousands of broken
// start-up packets and messages after which the server must be as it was.
#include <doctest.h>

#include <libpq-fe.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <string>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("019 hostile: a CancelRequest naming pid 0 or a wrong key signals nobody") {
  Cluster c;
  c.init();
  c.start();
  const auto pm = c.postmaster_pid();
  auto s = c.session();
  {
    RawClient r(c.port());
    REQUIRE(r.send_all(cancel_packet(0, 0)));
    (void)r.read_until_closed();
  }
  c.wait_for_log("PID 0 in cancel request did not match any process", 10s);
  {
    RawClient r(c.port());
    REQUIRE(r.send_all(cancel_packet(static_cast<std::uint32_t>(s.server_pid()), 12345)));
    (void)r.read_until_closed();
  }
  c.wait_for_log("wrong key in cancel request for process " + std::to_string(s.server_pid()), 10s);
  CHECK(is_alive(pm));
  CHECK(s.exec("SELECT 1").ok());
  CHECK(c.count_in_log("shutdown request") == 0);
  CHECK(c.postmaster_pid() == pm);
}
