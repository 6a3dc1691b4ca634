#include "tests/integration/harness/watchdog.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <sstream>
#include <system_error>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/wait.h"

namespace pmemu::integration::watchdog {
namespace {

constexpr int kWatchFd = 3;  // the watchdog's end, after it closed the rest

struct Owned {
  std::set<pid_t> groups;
  std::set<std::string> keys;
};

int g_socket = -1;  // the test process's end; -1 before the first watch_dir

std::string canonical_or_empty(const std::filesystem::path& p) {
  std::error_code ec;
  auto c = std::filesystem::canonical(p, ec);
  return ec ? std::string() : c.string();
}

// /proc/PID/exe, also for a binary rebuilt (so deleted) since it started.
std::string exe_of(Pid p) {
  std::error_code ec;
  std::string target = std::filesystem::read_symlink("/proc/" + std::to_string(p.get()) + "/exe", ec).string();
  constexpr std::string_view kDeleted = " (deleted)";
  if (target.ends_with(kDeleted)) target.resize(target.size() - kDeleted.size());
  return ec ? std::string() : target;
}

// Processes of group g that run the postmaster binary: a recorded group id
// the kernel has since given to someone else is left alone.
std::vector<Pid> postmaster_processes_in(pid_t g, const std::string& postmaster_exe) {
  std::vector<Pid> out;
  for (Pid p : pids_in_group(g)) {
    if (exe_of(p) == postmaster_exe) out.push_back(p);
  }
  return out;
}

// The postmaster.pid of dir, if its postmaster runs: its group and its key.
void add_from_pid_file(const std::filesystem::path& dir, Owned& owned) {
  std::istringstream in(read_text(dir / "data" / "postmaster.pid"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  if (lines.empty()) return;
  const Pid pm(static_cast<pid_t>(std::strtol(lines[0].c_str(), nullptr, 10)));
  if (pm.valid() && process_title(pm).find(dir.string() + "/") != std::string::npos) {
    if (const auto st = read_proc_stat(pm)) owned.groups.insert(st->pgrp);
  }
  if (lines.size() >= 7) {
    std::istringstream fields(lines[6]);
    std::string key;
    if (fields >> key && key != "0") owned.keys.insert(key);
  }
}

void clean_up(const std::filesystem::path& dir, Owned owned, pid_t test_pid) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) return;
  add_from_pid_file(dir, owned);
  const std::string exe = canonical_or_empty(binary_path("postmaster"));
  std::erase_if(owned.groups, [](pid_t g) { return g <= 1 || g == ::getpgrp(); });
  size_t killed = 0;
  const bool gone = poll_until(std::chrono::seconds(20), [&](std::string&) {
    bool any = false;
    for (pid_t g : owned.groups) {
      for (Pid p : postmaster_processes_in(g, exe)) {
        if (::kill(p.get(), SIGKILL) == 0) ++killed;
        any = true;
      }
    }
    return !any;
  });
  remove_segments(owned.keys);
  const bool keep = std::getenv("PMEMU_KEEP_TMP") != nullptr;
  if (!keep) std::filesystem::remove_all(dir, ec);
  std::fprintf(stderr,
               "integration watchdog: test process %d ended without cleaning up %s: sent SIGKILL %zu times%s, "
               "removed %zu segment(s), %s the directory\n",
               static_cast<int>(test_pid), dir.c_str(), killed, gone ? "" : " (some processes survived 20 s)",
               owned.keys.size(), keep ? "kept (PMEMU_KEEP_TMP)" : "removed");
}

[[noreturn]] void run(int fd, pid_t test_pid) {
  ::setsid();
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD) ::signal(sig, SIG_IGN);
  }
  ::prctl(PR_SET_NAME, "it-watchdog", 0, 0, 0);
  if (fd != kWatchFd) {
    ::dup2(fd, kWatchFd);
    ::close(fd);
  }
  // Server sockets, libpq connections and pipes of the test process must not
  // stay open here; stdout and stderr are kept (meson's pipes).
  ::close_range(kWatchFd + 1, ~0U, 0);
  const int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) {
    ::dup2(devnull, 0);
    if (devnull != 0) ::close(devnull);
  }

  std::map<std::filesystem::path, Owned> dirs;
  std::array<char, 4096> buf{};
  for (;;) {
    const ssize_t n = ::recv(kWatchFd, buf.data(), buf.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    // "<op> <dir>\t<arg>": D watch, G group, S shm key, F forget.
    const std::string msg(buf.data(), static_cast<size_t>(n));
    if (msg.size() < 3) continue;
    const auto tab = msg.find('\t');
    const std::filesystem::path dir = msg.substr(2, tab == std::string::npos ? std::string::npos : tab - 2);
    const std::string arg = tab == std::string::npos ? "" : msg.substr(tab + 1);
    switch (msg[0]) {
      case 'D': dirs[dir]; break;
      case 'G': dirs[dir].groups.insert(static_cast<pid_t>(std::strtol(arg.c_str(), nullptr, 10))); break;
      case 'S': dirs[dir].keys.insert(arg); break;
      case 'F': dirs.erase(dir); break;
      default: break;
    }
  }
  for (const auto& [dir, owned] : dirs) clean_up(dir, owned, test_pid);
  ::_exit(0);
}

void tell(char op, const std::filesystem::path& dir, const std::string& arg = "") {
  if (g_socket < 0) return;
  const std::string msg = std::string(1, op) + " " + dir.string() + (arg.empty() ? "" : "\t" + arg);
  if (::send(g_socket, msg.data(), msg.size(), MSG_NOSIGNAL) < 0) {
    std::fprintf(stderr, "integration harness: the watchdog is gone (%s); leftovers are not guarded\n",
                 std::strerror(errno));
  }
}

}  // namespace

void watch_dir(const std::filesystem::path& dir) {
  if (g_socket < 0) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
      std::fprintf(stderr, "integration harness: no watchdog: socketpair: %s\n", std::strerror(errno));
      return;
    }
    const pid_t test_pid = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      run(fds[1], test_pid);
    }
    ::close(fds[1]);
    if (pid < 0) {
      std::fprintf(stderr, "integration harness: no watchdog: fork: %s\n", std::strerror(errno));
      ::close(fds[0]);
      return;
    }
    g_socket = fds[0];
  }
  tell('D', dir);
}

void watch_group(const std::filesystem::path& dir, pid_t pgrp) { tell('G', dir, std::to_string(pgrp)); }
void watch_shm(const std::filesystem::path& dir, const std::string& key) { tell('S', dir, key); }
void forget_dir(const std::filesystem::path& dir) { tell('F', dir); }

}  // namespace pmemu::integration::watchdog
