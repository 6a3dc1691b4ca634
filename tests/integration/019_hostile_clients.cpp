// Clients that do not play by the rules: a cancel request that names no
// process, a client that never reads what it asked for, pipelines that would
// grow a backend without bound, and finally a suite of thousands of broken
// start-up packets and messages after which the server must be as it was.
#include <doctest.h>

#include <libpq-fe.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>
#include <string>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/command.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/raw_client.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// VmRSS of a process in kB (0 if gone).
long rss_kb(pmemu::Pid pid) {
  std::ifstream in("/proc/" + std::to_string(pid.get()) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return 0;
}

int unread_bytes(int fd) {
  int n = 0;
  (void)::ioctl(fd, FIONREAD, &n);
  return n;
}

// Logs in over a raw socket and returns the client once the first
// ReadyForQuery arrived; *backend_pid is the BackendKeyData pid.
RawClient raw_session(Cluster& c, int* backend_pid) {
  RawClient r(c.port());
  REQUIRE(r.send_all(startup_packet({{"user", c.user()}, {"database", "postgres"}})));
  auto got = r.read_until(std::string("Z\0\0\0\5I", 6));
  auto k = got.find(std::string("K\0\0\0\x0c", 5));
  REQUIRE_MESSAGE(k != std::string::npos, "no BackendKeyData in " << got.size() << " bytes");
  auto b = [&](size_t i) { return static_cast<unsigned char>(got[k + 5 + i]); };
  *backend_pid = static_cast<int>((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3));
  return r;
}

// Waits until the backend sleeps and neither its RSS nor what waits unread
// on the client's socket changes over a few samples: it does no more work.
void wait_until_backend_settles(pmemu::Pid backend, int client_fd, std::chrono::milliseconds timeout,
                                long* max_rss) {
  std::string last;
  int same = 0;
  wait_for("the backend to settle", timeout, [&](std::string& seen) {
    const long rss = rss_kb(backend);
    *max_rss = std::max(*max_rss, rss);
    auto st = read_proc_stat(backend);
    const std::string now = std::to_string(rss) + "kB rss, " + std::to_string(unread_bytes(client_fd)) +
                            " unread, state " + (st ? st->state : '?');
    same = (now == last && st && st->state == 'S') ? same + 1 : 0;
    last = seen = now;
    return same >= 30;  // about 300 ms unchanged
  });
}

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

TEST_CASE("019 hostile: a client that never reads its results does not hold up a fast shutdown") {
  Cluster c;
  c.init();
  c.start();
  {
    auto s = c.session();
    const std::string v(4000, 'x');
    for (int i = 0; i < 100; ++i) REQUIRE(s.exec("INSERT INTO kv VALUES ('k" + std::to_string(i) + "', '" + v + "')").ok());
  }
  int backend = 0;
  auto r = raw_session(c, &backend);
  // 200 results of 400 kB: far more than the socket buffers hold.
  std::string pipeline;
  for (int i = 0; i < 200; ++i) pipeline += query_message("SELECT * FROM kv");
  REQUIRE(r.send_all(pipeline));
  long max_rss = 0;
  wait_until_backend_settles(pmemu::Pid{backend}, r.fd(), 30s, &max_rss);
  const auto t0 = Clock::now();
  auto stop = c.pmctl({"stop", "-D", c.data_dir().string(), "-m", "fast", "-w", "-t", "20"}, 40s);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  MESSAGE("fast shutdown with a non-reading client took " << took.count() << " ms");
  CHECK_MESSAGE(stop.exit_code == 0, stop.out << stop.err);
  CHECK(took < 15s);
  CHECK(!is_alive(pmemu::Pid{backend}));
}

TEST_CASE("019 hostile: pipelined queries whose answers are never read keep the backend's memory bounded") {
  Cluster c;
  c.init();
  c.start();
  {
    auto s = c.session();
    for (int i = 0; i < 30; ++i)
      REQUIRE(s.exec("INSERT INTO kv VALUES ('key" + std::to_string(i) + "', '" + std::string(1000, 'v') + "')").ok());
  }
  int backend = 0;
  auto r = raw_session(c, &backend);
  REQUIRE(r.send_all(query_message("SELECT * FROM kv")));
  (void)r.read_until(std::string("Z\0\0\0\5I", 6));
  const long base = rss_kb(pmemu::Pid{backend});
  // 20000 queries, about 600 MB of answers, sent without reading any.
  std::string pipeline;
  for (int i = 0; i < 20000; ++i) pipeline += query_message("SELECT * FROM kv");
  r.set_nonblocking();
  std::string_view rest = pipeline;
  long max_rss = base;
  (void)poll_until(20s, [&](std::string&) {
    ssize_t n = ::send(r.fd(), rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n > 0) rest.remove_prefix(static_cast<size_t>(n));
    max_rss = std::max(max_rss, rss_kb(pmemu::Pid{backend}));
    return rest.empty() || n < 0;
  });
  wait_until_backend_settles(pmemu::Pid{backend}, r.fd(), 60s, &max_rss);
  MESSAGE("backend VmRSS " << base << " kB before, at most " << max_rss << " kB with " << rest.size()
                           << " bytes of the pipeline still unsent");
  CHECK(max_rss - base < 16 * 1024);
  r.close();
  wait_for("the backend to exit after its client closed", 60s, [&](std::string& seen) {
    seen = std::to_string(rss_kb(pmemu::Pid{backend})) + " kB";
    return !is_alive(pmemu::Pid{backend});
  });
}

namespace {

// utime + stime of a process, in clock ticks.
long cpu_ticks(pmemu::Pid pid) {
  std::ifstream in("/proc/" + std::to_string(pid.get()) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::istringstream rest(all.substr(all.rfind(')') + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) stime = std::stol(field);
  }
  return utime + stime;
}

// The descriptor number the process's next open would get.
int lowest_free_fd(pmemu::Pid pid) {
  std::set<int> used;
  for (auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid.get()) + "/fd"))
    used.insert(std::stoi(e.path().filename().string()));
  int n = 0;
  while (used.count(n)) ++n;
  return n;
}

}  // namespace

TEST_CASE("019 hostile: out of descriptors, the postmaster pauses accepting instead of spinning, then recovers") {
  Cluster c;
  c.init();
  c.start();
  const auto pm = c.postmaster_pid();
  const std::string pid = std::to_string(pm.get());
  // accept() would need descriptor number lowest_free_fd(), which this limit forbids.
  const std::string limit = std::to_string(lowest_free_fd(pm));
  REQUIRE(run_command({"prlimit", "--pid", pid, "--nofile=" + limit + ":"}).exit_code == 0);
  std::vector<RawClient> flood;
  for (int i = 0; i < 20; ++i) flood.push_back(RawClient(c.port()));
  const long before = cpu_ticks(pm);
  std::string seen;
  // One second of wall time with connections waiting that cannot be
  // accepted: a spinning postmaster would burn all of it.
  (void)poll_until(1000ms, [](std::string&) { return false; }, &seen);
  const long used = cpu_ticks(pm) - before;
  MESSAGE("postmaster used " << used << " ticks in 1 s while out of descriptors");
  CHECK(used < 30);
  c.wait_for_log("could not accept new connection: Too many open files", 10s);
  REQUIRE(run_command({"prlimit", "--pid", pid, "--nofile=1024:"}).exit_code == 0);
  flood.clear();
  auto s = c.session();
  CHECK(s.exec("SELECT 1").ok());
  CHECK(c.postmaster_pid() == pm);
}

TEST_CASE("019 hostile: what a start-up packet carries is checked, applied, and nothing sent after it is lost") {
  Cluster c;
  c.init();
  c.start();
  SUBCASE("a Query sent in the same write as the start-up packet is answered") {
    RawClient r(c.port());
    REQUIRE(r.send_all(startup_packet({{"user", c.user()}, {"database", "postgres"}}) + query_message("SELECT 42")));
    auto got = r.read_until("SELECT 1", 10s);
    CHECK(contains(got, "42"));
    CHECK(contains(got, "SELECT 1"));
  }
  SUBCASE("an unknown parameter is refused with 42704, a setting is applied, options -c too") {
    auto bad = PgConn::connect(c.conninfo() + " options='-c no_such_setting=1'");
    CHECK(!bad.connected());
    CHECK(bad.connect_sqlstate() == "42704");
    CHECK(contains(bad.connect_error(), "unrecognized configuration parameter \"no_such_setting\""));
    RawClient r(c.port());
    REQUIRE(r.send_all(startup_packet({{"user", c.user()}, {"database", "postgres"}, {"bogus_param", "x"}})));
    CHECK(contains(r.read_until_closed(), "unrecognized configuration parameter \"bogus_param\""));
    auto ok = PgConn::connect(c.conninfo() + " options='-c statement_timeout=1234 --extra-float-digits=2'");
    REQUIRE_MESSAGE(ok.connected(), ok.connect_error());
    CHECK(ok.exec("SHOW statement_timeout").get() == "1234ms");
    CHECK(ok.exec("SHOW extra_float_digits").get() == "2");
    auto fixed = PgConn::connect(c.conninfo() + " options='-c max_connections=5'");
    CHECK(fixed.connect_sqlstate() == "55P02");
  }
  SUBCASE("names must be UTF-8, are cut to 63 bytes, and cannot break a log line") {
    RawClient r(c.port());
    REQUIRE(r.send_all(startup_packet({{"user", "bad\xff\xfename"}, {"database", "postgres"}})));
    auto got = r.read_until_closed();
    CHECK(contains(got, "22021"));
    CHECK(contains(got, "invalid byte sequence for encoding \"UTF8\": 0xff"));
    const std::string long_name(100, 'u');
    RawClient l(c.port());
    REQUIRE(l.send_all(startup_packet({{"user", long_name}, {"database", "postgres"}})));
    got = l.read_until_closed();
    CHECK(contains(got, "role \"" + std::string(63, 'u') + "\" does not exist"));
    RawClient n(c.port());
    REQUIRE(n.send_all(startup_packet({{"user", "x\n2030-01-01 00:00:00 UTC [1] LOG:  forged"}, {"database", "postgres"}})));
    (void)n.read_until_closed();
    c.wait_for_log("forged", 10s);
    CHECK(c.count_in_log("\n2030-01-01") == 0);
  }
}
