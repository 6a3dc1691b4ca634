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
#include <poll.h>
#include <random>
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
RawClient raw_session(Cluster& c, int* backend_pid,
                      const std::vector<std::pair<std::string, std::string>>& extra = {}) {
  RawClient r(c.port());
  std::vector<std::pair<std::string, std::string>> params{{"user", c.user()}, {"database", "postgres"}};
  params.insert(params.end(), extra.begin(), extra.end());
  REQUIRE(r.send_all(startup_packet(params)));
  auto got = r.read_until(std::string("Z\0\0\0\5I", 6));
  auto k = got.find(std::string("K\0\0\0\x0c", 5));
  REQUIRE_MESSAGE(k != std::string::npos, "no BackendKeyData in " << got.size() << " bytes");
  auto b = [&](size_t i) { return static_cast<unsigned char>(got[k + 5 + i]); };
  *backend_pid = static_cast<int>((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3));
  return r;
}

// Sends `pipeline` without reading any answer, for as long as the server
// takes it (at most 20 s), noting the process's largest VmRSS. Returns the
// bytes left unsent.
size_t send_without_reading(RawClient& r, std::string_view pipeline, pmemu::Pid proc, long* max_rss) {
  r.set_nonblocking();
  (void)poll_until(20s, [&](std::string&) {
    ssize_t n = ::send(r.fd(), pipeline.data(), pipeline.size(), MSG_NOSIGNAL);
    if (n > 0) pipeline.remove_prefix(static_cast<size_t>(n));
    *max_rss = std::max(*max_rss, rss_kb(proc));
    return pipeline.empty() || n < 0;
  });
  return pipeline.size();
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

namespace {

// A session whose client asked for far more than the socket buffers hold
// and reads none of it: its backend waits to send. Returns the backend pid.
pmemu::Pid stuck_sender(Cluster& c, RawClient* client) {
  {
    auto s = c.session();
    const std::string v(4000, 'x');
    for (int i = 0; i < 100; ++i) REQUIRE(s.exec("INSERT INTO kv VALUES ('k" + std::to_string(i) + "', '" + v + "')").ok());
  }
  int backend = 0;
  *client = raw_session(c, &backend);
  // 200 results of 400 kB.
  std::string pipeline;
  for (int i = 0; i < 200; ++i) pipeline += query_message("SELECT * FROM kv");
  REQUIRE(client->send_all(pipeline));
  long max_rss = 0;
  wait_until_backend_settles(pmemu::Pid{backend}, client->fd(), 30s, &max_rss);
  return pmemu::Pid{backend};
}

}  // namespace

TEST_CASE("019 hostile: a client that never reads its results does not hold up a shutdown") {
  Cluster c;
  c.init();
  c.start();
  RawClient r(c.port());
  const auto backend = stuck_sender(c, &r);
  SUBCASE("fast") {
    const auto t0 = Clock::now();
    auto stop = c.pmctl({"stop", "-D", c.data_dir().string(), "-m", "fast", "-w", "-t", "20"}, 40s);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    MESSAGE("fast shutdown with a non-reading client took " << took.count() << " ms");
    CHECK_MESSAGE(stop.exit_code == 0, stop.out << stop.err);
    CHECK(took < 15s);
  }
  SUBCASE("immediate") {
    auto stop = c.pmctl({"stop", "-D", c.data_dir().string(), "-m", "immediate", "-w", "-t", "20"}, 40s);
    CHECK_MESSAGE(stop.exit_code == 0, stop.out << stop.err);
  }
  SUBCASE("postmaster death") {
    c.kill9_postmaster();
  }
  wait_for("the backend to exit", 15s, [&](std::string& seen) {
    seen = "backend " + std::to_string(backend.get()) + " alive";
    return !is_alive(backend);
  });
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
  long max_rss = base;
  const size_t unsent = send_without_reading(r, pipeline, pmemu::Pid{backend}, &max_rss);
  wait_until_backend_settles(pmemu::Pid{backend}, r.fd(), 60s, &max_rss);
  MESSAGE("backend VmRSS " << base << " kB before, at most " << max_rss << " kB with " << unsent
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

TEST_CASE("019 hostile: a replication client pipelining commands without reading keeps the walsender bounded") {
  Cluster c;
  c.init();
  c.start();
  int pid = 0;
  auto r = raw_session(c, &pid, {{"replication", "true"}});
  const pmemu::Pid walsender{pid};
  const long base = rss_kb(walsender);
  // 300000 IDENTIFY_SYSTEM: about 7 MB of commands, 40 MB of answers.
  std::string pipeline;
  for (int i = 0; i < 300000; ++i) pipeline += query_message("IDENTIFY_SYSTEM");
  long max_rss = base;
  const size_t unsent = send_without_reading(r, pipeline, walsender, &max_rss);
  wait_until_backend_settles(walsender, r.fd(), 60s, &max_rss);
  MESSAGE("walsender VmRSS " << base << " kB before, at most " << max_rss << " kB with " << unsent
                             << " bytes of the pipeline still unsent");
  CHECK(max_rss - base < 16 * 1024);
  r.close();
  wait_for("the walsender to exit after its client closed", 60s, [&](std::string& seen) {
    seen = std::to_string(rss_kb(walsender)) + " kB";
    return !is_alive(walsender);
  });
}

namespace {

// What the suite sent and saw, printed at the end.
struct SuiteCounts {
  int cases = 0;
  int refused_too_many = 0;
  int slowloris_closed = 0;
};

std::string random_bytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& ch : s) ch = static_cast<char>(rng() & 0xff);
  return s;
}

// Sends each payload on its own connection, `batch` connections at a time,
// then half-closes and reads until the server closes (or 5 s).
void send_each(int port, const std::vector<std::string>& payloads, SuiteCounts* counts) {
  constexpr size_t kBatch = 32;
  for (size_t i = 0; i < payloads.size(); i += kBatch) {
    std::vector<RawClient> open;
    for (size_t j = i; j < std::min(payloads.size(), i + kBatch); ++j) {
      auto r = RawClient::try_connect(port);
      if (!r.ok()) continue;
      (void)r.send_all(payloads[j]);
      r.shutdown_write();
      open.push_back(std::move(r));
      ++counts->cases;
    }
    for (auto& r : open) (void)r.read_until_closed(5s);
  }
}

}  // namespace

TEST_CASE("019 hostile: thousands of broken clients leave the server as it was") {
  constexpr int kMaxConnections = 20;
  Cluster c;
  c.init({"max_connections=" + std::to_string(kMaxConnections), "authentication_timeout=2s"});
  c.start();
  const auto pm = c.postmaster_pid();
  const auto t0 = Clock::now();
  std::mt19937 rng(20261203);
  SuiteCounts counts;
  const std::string user = c.user();
  const std::string good_startup = startup_packet({{"user", user}, {"database", "postgres"}});

  // Half-open clients that never send a byte, held across the whole run.
  std::vector<RawClient> silent;
  for (int i = 0; i < 8; ++i) silent.push_back(RawClient(c.port()));

  std::vector<std::string> payloads;
  // Start-up packets: random lengths and bytes, huge and tiny lengths.
  for (int i = 0; i < 3600; ++i) {
    std::uniform_int_distribution<int> kind(0, 3);
    std::string body = random_bytes(rng, rng() % 64);
    switch (kind(rng)) {
      case 0: payloads.push_back(be32(static_cast<std::uint32_t>(rng())) + body); break;
      case 1: payloads.push_back(be32(0xffffffffu) + be32(196608) + body); break;
      case 2: payloads.push_back(be32(static_cast<std::uint32_t>(rng() % 12)) + body); break;
      default: payloads.push_back(be32(static_cast<std::uint32_t>(8 + body.size())) + be32(196608) + body); break;
    }
  }
  // Valid start-ups truncated mid-frame.
  for (int i = 0; i < 900; ++i) payloads.push_back(good_startup.substr(0, rng() % good_startup.size()));
  // Oversize start-up packets and parameters.
  payloads.push_back(be32(10001) + be32(196608) + std::string(9993, 'a'));
  payloads.push_back(startup_packet({{"user", std::string(9000, 'u')}, {"database", "postgres"}}));
  payloads.push_back(startup_packet({{std::string(5000, 'p'), std::string(4000, 'v')}, {"user", user}}));
  // CancelRequests with random pids and keys.
  payloads.push_back(cancel_packet(0, 0));
  for (int i = 0; i < 1800; ++i)
    payloads.push_back(cancel_packet(static_cast<std::uint32_t>(rng()) % 70000, static_cast<std::uint32_t>(rng())));
  send_each(c.port(), payloads, &counts);
  payloads.clear();

  // After a valid start-up: random bytes, invalid types, huge and truncated frames.
  for (int i = 0; i < 2400; ++i) {
    std::uniform_int_distribution<int> kind(0, 4);
    std::string tail;
    switch (kind(rng)) {
      case 0: tail = random_bytes(rng, 1 + rng() % 200); break;
      case 1: tail = std::string(1, static_cast<char>(rng() & 0xff)) + be32(4 + (rng() % 16)) + random_bytes(rng, 16); break;
      case 2: tail = "Q" + be32(0x7fffffff) + "SELECT"; break;
      case 3: tail = query_message("SELECT * FROM kv").substr(0, 1 + rng() % 20); break;
      default: tail = query_message(random_bytes(rng, rng() % 100)) + query_message("SELECT 1"); break;
    }
    payloads.push_back(good_startup + tail);
  }
  payloads.push_back(good_startup + query_message(std::string(2 * 1024 * 1024, 'x')));
  send_each(c.port(), payloads, &counts);
  payloads.clear();

  // A flood past max_connections, all logged in at once.
  {
    std::vector<RawClient> flood;
    for (int i = 0; i < kMaxConnections + 10; ++i) {
      RawClient r(c.port());
      REQUIRE(r.send_all(good_startup));
      flood.push_back(std::move(r));
      ++counts.cases;
    }
    for (auto& r : flood)
      if (contains(r.read_until(std::string("Z\0\0\0\5I", 6), 10s), "too many clients")) ++counts.refused_too_many;
  }
  CHECK(counts.refused_too_many >= 10);

  // Slowloris: a start-up packet at a byte per 250 ms; authentication_timeout
  // (2 s) cuts these off, as it cut off the silent ones long ago.
  std::vector<RawClient> slow;
  for (int i = 0; i < 8; ++i) slow.push_back(RawClient(c.port()));
  auto hung_up = [](const RawClient& s) {
    pollfd p{s.fd(), POLLIN, 0};
    char byte;
    return ::poll(&p, 1, 0) == 1 && ::recv(s.fd(), &byte, 1, MSG_DONTWAIT | MSG_PEEK) <= 0;
  };
  size_t slow_pos = 0;
  auto next_byte = Clock::now();
  const auto slow_start = Clock::now();
  wait_for("the slowloris clients to be cut off", 15s, [&](std::string& seen) {
    if (Clock::now() >= next_byte && slow_pos < good_startup.size()) {
      for (auto& s : slow) (void)::send(s.fd(), good_startup.data() + slow_pos, 1, MSG_NOSIGNAL);
      ++slow_pos;
      next_byte += 250ms;
    }
    int closed = 0;
    for (auto& s : slow) closed += hung_up(s) ? 1 : 0;
    seen = std::to_string(closed) + " of 8 closed after " + std::to_string(slow_pos) + " bytes";
    return closed == 8;
  });
  const auto slow_took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - slow_start);
  CHECK(slow_took < 6s);
  for (auto* group : {&slow, &silent}) {
    for (auto& s : *group) {
      counts.slowloris_closed += hung_up(s) ? 1 : 0;
      ++counts.cases;
    }
  }
  CHECK(counts.slowloris_closed == 16);

  // The server is as it was: same postmaster, no crash, no leaked place.
  const size_t restarts = c.count_in_log("all server processes terminated; reinitializing") +
                          c.count_in_log("terminated by signal");
  auto checker = c.session();
  std::string last;
  const bool settled = poll_until(30s, [&](std::string& seen) {
    auto r = checker.exec("SELECT * FROM pg_stat_activity");
    int clients = 0;
    for (auto& row : r.rows) clients += (row.size() > 1 && row[1] == "client backend") ? 1 : 0;
    seen = std::to_string(clients);
    return r.ok() && clients == 1;
  }, &last);
  std::vector<PgConn> all;
  for (int i = 0; i < kMaxConnections - 1; ++i) all.push_back(c.connect());
  int connected = 1;
  for (auto& s : all) connected += s.connected() ? 1 : 0;
  INFO("pg_stat_activity last showed: " << last);
  const int leaked = settled ? kMaxConnections - connected : std::atoi(last.c_str()) - 1;
  all.clear();
  MESSAGE("hostile suite: " << counts.cases << " cases sent in "
                            << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count()
                            << " s, restarts " << restarts << ", slots leaked " << leaked << ", refused past max_connections "
                            << counts.refused_too_many << ", slow/silent clients cut off " << counts.slowloris_closed);
  CHECK(settled);
  CHECK(restarts == 0);
  CHECK(leaked == 0);
  CHECK(c.postmaster_pid() == pm);
  CHECK(is_alive(pm));
  CHECK(checker.exec("SELECT 1").ok());
  auto fresh = c.session();
  CHECK(fresh.exec("INSERT INTO kv VALUES ('after', 'hostile')").ok());
  CHECK(fresh.exec("SELECT v FROM kv WHERE k = 'after'").get() == "hostile");
}
