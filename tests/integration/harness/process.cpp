#include "tests/integration/harness/process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace pmemu::integration {
namespace {

std::vector<Pid> all_pids() {
  std::vector<Pid> pids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pids.emplace_back(static_cast<pid_t>(std::strtol(name.c_str(), nullptr, 10)));
  }
  return pids;
}

}  // namespace

// Not std::ifstream: libstdc++'s filebuf throws std::ios_failure when read(2)
// fails, and reading /proc/PID/stat of a process that is reaped between our
// open() and read() fails with ESRCH. Thrown from ~Cluster (noexcept) that
// was std::terminate: SIGABRT, no cleanup, a leaked cluster (issue 15).
std::string read_text(const std::filesystem::path& p) {
  std::string out;
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  std::array<char, 8192> buf{};
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n > 0) {
      out.append(buf.data(), static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  ::close(fd);
  return out;
}

void become_subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

void reap_orphans() {
  int status = 0;
  while (::waitpid(-1, &status, WNOHANG) > 0) {
  }
}

std::optional<ProcStat> read_proc_stat(Pid pid) {
  const std::string text = read_text("/proc/" + std::to_string(pid.get()) + "/stat");
  // The command name (field 2) may contain spaces and parentheses; the
  // fields we need follow the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 1));
  ProcStat st;
  pid_t ppid = 0;
  if (!(rest >> st.state >> ppid >> st.pgrp)) return std::nullopt;
  // A process the kernel is releasing can show group 0: it is gone, and a
  // group 0 handed to kill(-pgrp) would be our own group.
  if (st.pgrp <= 0) return std::nullopt;
  st.ppid = Pid(ppid);
  return st;
}

bool is_alive(Pid pid) {
  const auto st = read_proc_stat(pid);
  return st && st->state != 'Z' && st->state != 'X';
}

std::vector<Pid> children_of(Pid parent) {
  std::vector<Pid> out;
  for (Pid p : all_pids()) {
    const auto st = read_proc_stat(p);
    if (st && st->ppid == parent && st->state != 'Z' && st->state != 'X') out.push_back(p);
  }
  return out;
}

std::vector<Pid> pids_in_group(pid_t pgrp) {
  std::vector<Pid> out;
  for (Pid p : all_pids()) {
    const auto st = read_proc_stat(p);
    if (st && st->pgrp == pgrp && st->state != 'Z' && st->state != 'X') out.push_back(p);
  }
  return out;
}

std::string process_title(Pid pid) {
  std::string text = read_text("/proc/" + std::to_string(pid.get()) + "/cmdline");
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

std::vector<Pid> pids_by_title(std::string_view substring) {
  std::vector<Pid> out;
  for (Pid p : all_pids()) {
    if (process_title(p).find(substring) != std::string::npos && is_alive(p)) out.push_back(p);
  }
  return out;
}

}  // namespace pmemu::integration
