// The harness itself: what it reads from /proc while processes come and go,
// the ports it hands to two test processes at once, and that no cluster
// outlives a test process killed with SIGKILL.
#include <doctest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

// A child that forks short-lived grandchildren and reaps them, one after
// another, publishing the current one's pid in `current`, for `how_long`.
pid_t start_churner(std::atomic<pid_t>* current, std::chrono::milliseconds how_long) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const auto end = std::chrono::steady_clock::now() + how_long;
  while (std::chrono::steady_clock::now() < end) {
    const pid_t c = ::fork();
    if (c == 0) ::_exit(0);
    if (c < 0) continue;
    current->store(c);
    ::waitpid(c, nullptr, 0);
  }
  current->store(-1);
  ::_exit(0);
}

}  // namespace

TEST_CASE("000 harness: /proc reads never throw while the process read is being reaped") {
  // Issue 15: ~Cluster scans /proc; a process reaped between open() and
  // read() made std::ifstream throw out of the (noexcept) destructor, and the
  // test process died of std::terminate. Reading the stat of processes that
  // are reaped as we read them hits that window many times a second.
  void* mem = ::mmap(nullptr, sizeof(std::atomic<pid_t>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  REQUIRE(mem != MAP_FAILED);
  auto* current = new (mem) std::atomic<pid_t>(0);
  const pid_t churner = start_churner(current, 3s);
  REQUIRE(churner > 0);
  long reads = 0;
  bool threw = false;
  std::string what;
  for (pid_t p = current->load(); p >= 0; p = current->load()) {
    if (p == 0) continue;
    try {
      ++reads;
      (void)read_proc_stat(pmemu::Pid(p));
      (void)process_title(pmemu::Pid(p));
    } catch (const std::exception& e) {
      threw = true;
      what = e.what();
      break;
    }
  }
  ::kill(churner, SIGKILL);
  ::waitpid(churner, nullptr, 0);
  ::munmap(mem, sizeof(std::atomic<pid_t>));
  CHECK_MESSAGE(!threw, "a /proc read threw: " << what);
  CHECK(reads > 1000);  // the loop did race with the reaper
}

TEST_CASE("000 harness: a port free_tcp_port returns is locked for this process and bindable") {
  const int port = free_tcp_port();
  REQUIRE(port >= 20000);
  REQUIRE(port < 32768);
  // Another process (a second test binary) cannot take the lock.
  const std::string lock = port_lock_path(port);
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open(lock.c_str(), O_RDWR | O_CLOEXEC);
    ::_exit(fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0 ? 0 : 1);
  }
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK_MESSAGE((WIFEXITED(status) && WEXITSTATUS(status) == 0), "another process could lock " << lock);
  CHECK(free_tcp_port() != port);
}

namespace {

constexpr const char* kBlockerFileEnv = "PMEMU_IT_BLOCKER_FILE";

// Starts a copy of this binary running only the blocker case below, its
// output in `log`.
pid_t spawn_blocker(const std::filesystem::path& published, const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setenv(kBlockerFileEnv, published.c_str(), 1);
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  ::execl("/proc/self/exe", "integration_tests", "--test-case=000 harness: blocker*", "--no-skip", nullptr);
  ::_exit(127);
}

}  // namespace

// Run only by the next case, in a child process (skipped otherwise).
TEST_CASE("000 harness: blocker: start a cluster, publish it, wait to be killed" * doctest::skip()) {
  const char* published = std::getenv(kBlockerFileEnv);
  REQUIRE_MESSAGE(published != nullptr, "run by the SIGKILL case only");
  Cluster c("blocker");
  c.init();
  c.start();
  {
    const std::string tmp = std::string(published) + ".tmp";
    std::ofstream(tmp) << c.base_dir().string() << "\n";
    std::filesystem::rename(tmp, published);
  }
  (void)poll_until(120s, [](std::string&) { return false; });
  FAIL("the blocker was not killed within 120 s");
}

TEST_CASE("000 harness: a cluster does not outlive a test process killed with SIGKILL") {
  become_subreaper();  // the orphaned postmaster and watchdog come to us
  std::string templ = "/tmp/pmemu-wd-XXXXXX";
  REQUIRE(::mkdtemp(templ.data()) != nullptr);
  const std::filesystem::path work = templ;
  const auto published = work / "cluster";
  const auto log = work / "blocker.log";
  const pid_t child = spawn_blocker(published, log);
  REQUIRE(child > 0);

  std::filesystem::path dir;
  pmemu::Pid pm;
  pid_t pgrp = 0;
  std::string key;
  // Whatever happens below, nothing of the blocker stays behind.
  struct Guard {
    const pid_t& child;
    const pid_t& pgrp;
    const std::filesystem::path& dir;
    const std::string& key;
    const std::filesystem::path& work;
    ~Guard() {
      if (child > 0 && ::kill(child, SIGKILL) == 0) ::waitpid(child, nullptr, 0);
      if (pgrp > 1) ::kill(-pgrp, SIGKILL);
      if (!key.empty()) remove_segments({key});
      std::error_code ec;
      if (!dir.empty()) std::filesystem::remove_all(dir, ec);
      std::filesystem::remove_all(work, ec);
    }
  } guard{child, pgrp, dir, key, work};

  wait_for("the blocker's cluster to be up", 90s, [&](std::string& seen) {
    int status = 0;
    if (::waitpid(child, &status, WNOHANG) == child) FAIL("the blocker exited early:\n" << read_text(log));
    seen = read_text(log);
    return std::filesystem::exists(published);
  });
  dir = trim(read_text(published));
  const auto pid_lines = lines_of(read_text(dir / "data" / "postmaster.pid"));
  REQUIRE(pid_lines.size() >= 7);
  pm = pmemu::Pid(static_cast<pid_t>(std::stol(pid_lines[0])));
  key = trim(pid_lines[6]).substr(0, trim(pid_lines[6]).find(' '));
  const auto st = read_proc_stat(pm);
  REQUIRE(st.has_value());
  pgrp = st->pgrp;
  const auto segment = std::filesystem::path("/dev/shm") / ("pmemu." + key);
  REQUIRE(is_alive(pm));
  REQUIRE(std::filesystem::exists(segment));
  REQUIRE(pids_in_group(pgrp).size() >= 1);  // the postmaster; each child has a session of its own
  const auto children = children_of(pm);
  REQUIRE(!children.empty());  // at least the checkpointer

  REQUIRE(::kill(child, SIGKILL) == 0);
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  wait_for("every process of the blocker's cluster to be gone", 30s, [&](std::string& seen) {
    const auto left = pids_in_group(pgrp);
    size_t children_left = 0;
    for (pmemu::Pid p : children) children_left += is_alive(p) ? 1 : 0;
    seen = std::to_string(left.size()) + " processes in group " + std::to_string(pgrp) + ", " +
           std::to_string(children_left) + " of the postmaster's children alive; blocker output:\n" + read_text(log);
    return left.empty() && children_left == 0 && !is_alive(pm);
  });
  wait_for("the segment " + segment.string() + " to be removed", 10s,
           [&](std::string&) { return !std::filesystem::exists(segment); });
  if (!std::getenv("PMEMU_KEEP_TMP")) {
    wait_for("the directory " + dir.string() + " to be removed", 10s,
             [&](std::string&) { return !std::filesystem::exists(dir); });
  }
  // It says so after removing the directory.
  wait_for("the watchdog's report in the blocker's output", 10s,
           [&](std::string&) { return contains(read_text(log), "integration watchdog: test process"); });
}
