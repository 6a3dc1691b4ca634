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
#include <string>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
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
  const std::string lock = "/tmp/pmemu-port-" + std::to_string(port) + ".lock";
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
