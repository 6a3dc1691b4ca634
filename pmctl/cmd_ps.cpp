#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <dirent.h>
#include <filesystem>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>
#include <variant>

#include "pmctl/event_pattern.h"
#include "pmctl/file_util.h"
#include "pmctl/pidfile_read.h"
#include "pmctl/test_commands.h"

namespace pmemu::pmctl {
namespace {

struct Stat {
  char state = '?';
  pid_t ppid = 0;
  long long start_ticks = 0;
};

std::optional<Stat> read_stat(pid_t pid) {
  auto text = read_whole_file("/proc/" + std::to_string(pid) + "/stat", nullptr);
  if (!text) return std::nullopt;
  auto close = text->rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return std::nullopt;
  std::istringstream in(text->substr(close + 1));
  std::vector<std::string> f;
  for (std::string w; in >> w;) f.push_back(w);
  if (f.size() < 20) return std::nullopt;  // f[0] is field 3 (state), f[19] field 22 (starttime)
  Stat s;
  s.state = f[0][0];
  s.ppid = static_cast<pid_t>(std::stol(f[1]));
  s.start_ticks = std::stoll(f[19]);
  return s;
}

std::string read_title(pid_t pid) {
  auto text = read_whole_file("/proc/" + std::to_string(pid) + "/cmdline", nullptr).value_or("");
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (auto& c : text)
    if (c == '\0') c = ' ';
  return text;
}

// The §4 type of a postmaster child from its title "postmaster: ROLE ...":
// the auxiliary processes and walsenders name themselves; every other child
// is a client backend (its title is "user database host state", or not set
// yet just after fork).
std::string type_of_title(const std::string& title) {
  const std::string prefix = "postmaster: ";
  if (title.rfind(prefix, 0) == 0) {
    std::string word = title.substr(prefix.size(), title.find(' ', prefix.size()) - prefix.size());
    for (const char* role : {"startup", "checkpointer", "walreceiver", "walsender"})
      if (word == role) return word;
  }
  return "client backend";
}

std::string wall_clock_of(long long start_ticks) {
  auto stat = read_whole_file("/proc/stat", nullptr).value_or("");
  auto at = stat.find("btime ");
  if (at == std::string::npos) return "?";
  long long btime = std::stoll(stat.substr(at + 6));
  std::time_t t = static_cast<std::time_t>(btime + start_ticks / ::sysconf(_SC_CLK_TCK));
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%SZ", &tm);
  return buf;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string wait_channel(Pid pid) {
  auto w = read_whole_file("/proc/" + std::to_string(pid.get()) + "/wchan", nullptr).value_or("");
  return w.empty() || w == "0" ? "-" : w;
}

std::optional<std::string> server_log_path(const std::string& data_dir, Pid pm) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (pm.valid()) {  // the postmaster's stderr, when it is a file
    auto target = fs::read_symlink("/proc/" + std::to_string(pm.get()) + "/fd/2", ec);
    if (!ec && fs::is_regular_file(target, ec)) return target.string();
  }
  fs::path dir(data_dir);
  for (const fs::path& p : {dir / "log", fs::path(data_dir + ".log"), dir.parent_path() / "log"})
    if (fs::is_regular_file(p, ec)) return p.string();
  return std::nullopt;
}

Pid postmaster_pid(const std::string& data_dir, std::string* status) {
  auto r = read_pid_file(data_dir);
  if (auto* info = std::get_if<PidFileInfo>(&r)) {
    if (status) *status = info->status.empty() ? "(no status yet)" : info->status;
    return info->pid;
  }
  if (status) *status = std::get<PidFileError>(r).message;
  return Pid{};
}


std::vector<ProcInfo> cluster_processes(const std::string& data_dir) {
  std::vector<ProcInfo> out;
  Pid pm = postmaster_pid(data_dir, nullptr);
  if (!pm.valid()) return out;
  auto add = [&](pid_t pid, const Stat& st, std::string ptype) {
    out.push_back(ProcInfo{Pid{pid}, std::move(ptype), st.state, read_title(pid), st.start_ticks,
                           wall_clock_of(st.start_ticks)});
  };
  auto pm_stat = read_stat(pm.get());
  if (!pm_stat) return out;
  add(pm.get(), *pm_stat, "postmaster");
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    pid_t pid = static_cast<pid_t>(std::stol(e->d_name));
    auto st = read_stat(pid);
    if (st && st->ppid == pm.get()) add(pid, *st, type_of_title(read_title(pid)));
  }
  ::closedir(d);
  std::sort(out.begin() + 1, out.end(), [](auto& a, auto& b) { return a.start_ticks < b.start_ticks; });
  return out;
}

int run_ps(const std::string& data_dir, bool json) {
  auto procs = cluster_processes(data_dir);
  if (procs.empty()) {
    std::string status;
    (void)postmaster_pid(data_dir, &status);
    std::printf("%s\n", json ? "[]" : ("no server running: " + status).c_str());
    return 0;
  }
  if (json) std::printf("[");
  else std::printf("%7s  %-16s %-5s %-22s %-9s %s\n", "pid", "ptype", "state", "wait", "since", "title");
  // A process parked by a fault point's `wait` shows the point, not the
  // kernel's sleep function it happens to be in.
  const auto parked = parked_at_fault_points(data_dir);
  for (std::size_t i = 0; i < procs.size(); ++i) {
    auto& p = procs[i];
    const auto at_point = parked.find(p.pid.get());
    const std::string wait = at_point != parked.end() ? at_point->second : wait_channel(p.pid);
    if (json)
      std::printf("%s{\"pid\":%d,\"ptype\":\"%s\",\"state\":\"%c\",\"wait\":\"%s\",\"since\":\"%s\",\"title\":\"%s\"}",
                  i ? "," : "", p.pid.get(), json_escape(p.ptype).c_str(), p.state, json_escape(wait).c_str(),
                  p.since.c_str(), json_escape(p.title).c_str());
    else
      std::printf("%7d  %-16s %-5c %-22s %-9s %s\n", p.pid.get(), p.ptype.c_str(), p.state, wait.c_str(),
                  p.since.c_str(), p.title.c_str());
  }
  if (json) std::printf("]\n");
  return 0;
}

}  // namespace pmemu::pmctl
