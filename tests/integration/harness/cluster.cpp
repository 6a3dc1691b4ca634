#include "tests/integration/harness/cluster.h"

#include "tests/integration/harness/watchdog.h"

#include <doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

namespace pmemu::integration {

std::string binary_path(const std::string& name) {
  const std::string specific = name == "pmctl" ? "PMEMU_PMCTL" : name == "postmaster" ? "PMEMU_POSTMASTER" : "";
  if (!specific.empty()) {
    if (const char* p = std::getenv(specific.c_str()); p && *p) return p;
  }
  if (const char* dir = std::getenv("PMEMU_BIN"); dir && *dir) return std::string(dir) + "/" + name;
  return "./" + name;
}

namespace {

// Ports handed out by free_tcp_port(): below the kernel's ephemeral range
// (32768-60999), so no client socket of another test can hold one.
constexpr int kFirstPort = 20000;
constexpr int kPortCount = 12000;
constexpr const char* kPortLockDir = "/tmp/pmemu-port-locks";

// Can a listening socket bind 127.0.0.1:port right now?
bool port_bindable(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

// Two test processes run at once (meson --num-processes 2): a port is ours
// while we hold flock on port_lock_path(N), and we hold it (the fd stays
// open, close-on-exec) until this process ends, whatever the kernel says
// about the port meanwhile. A lock dies with its holder, even by SIGKILL.
std::string port_lock_path(int port) {
  // One directory, not thousands of files in /tmp; the files are never
  // removed (removing a lock file another process may be opening is a race).
  static const bool made = ::mkdir(kPortLockDir, 01777) == 0 || errno == EEXIST;
  (void)made;
  return std::string(kPortLockDir) + "/" + std::to_string(port) + ".lock";
}

int free_tcp_port() {
  static std::mt19937 rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(std::random_device{}()));
  std::uniform_int_distribution<int> pick(0, kPortCount - 1);
  for (int attempt = 0; attempt < 500; ++attempt) {
    const int port = kFirstPort + pick(rng);
    const std::string lock = port_lock_path(port);
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      continue;
    }
    if (port_bindable(port)) return port;  // fd deliberately kept open
    ::close(fd);
  }
  return 0;
}

Cluster::Cluster(std::string name) : name_(std::move(name)) {
  become_subreaper();
  std::string templ = "/tmp/pmemu-it-XXXXXX";
  REQUIRE_MESSAGE(::mkdtemp(templ.data()) != nullptr, "mkdtemp failed");
  base_ = templ;
  port_ = free_tcp_port();
  REQUIRE_MESSAGE(port_ > 0, "could not find a free TCP port");
  const passwd* pw = ::getpwuid(::geteuid());
  user_ = pw ? pw->pw_name : "postgres";
  watchdog::watch_dir(base_);
  write_owner_file();
}

Cluster::~Cluster() {
  kill_everything();
  if (!std::getenv("PMEMU_KEEP_TMP")) {
    std::error_code ec;
    std::filesystem::remove_all(base_, ec);
  } else {
    MESSAGE("PMEMU_KEEP_TMP: kept " << base_.string());
  }
  watchdog::forget_dir(base_);
}

// "PID STARTTIME" of this test process: scripts/test removes a directory
// whose owner no longer runs (the start time tells a reused pid apart).
void Cluster::write_owner_file() const {
  const std::string stat = read_text("/proc/self/stat");
  std::istringstream rest(stat.substr(std::min(stat.size(), stat.rfind(')') + 1)));
  std::string field;
  for (int i = 0; i < 20 && rest >> field; ++i) {
  }
  std::ofstream(base_ / "owner") << ::getpid() << " " << field << "\n";
}

void Cluster::add_group(pid_t pgrp) {
  if (groups_.insert(pgrp).second) watchdog::watch_group(base_, pgrp);
}

void Cluster::kill_everything() {
  // A postmaster started without -w may have written its pid file after our
  // last look.
  remember_children();
  // Never group 0 or 1 (kill(-0) is our own group) nor our own group.
  std::erase_if(groups_, [](pid_t g) { return g <= 1 || g == ::getpgrp(); });
  for (pid_t g : groups_) ::kill(-g, SIGKILL);
  (void)poll_until(std::chrono::seconds(10), [&](std::string&) {
    bool any = false;
    for (pid_t g : groups_) {
      for (Pid p : pids_in_group(g)) {
        ::kill(p.get(), SIGKILL);  // SIGKILL also ends a SIGSTOPped process
        any = true;
      }
    }
    return !any;
  });
  remove_segments(shm_keys_);
}

void remove_segments(const std::set<std::string>& keys) {
  std::error_code ec;
  for (const auto& key : keys) {
    for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
      const std::string fname = entry.path().filename().string();
      // The key alone could be a substring of another program's name.
      if (fname.starts_with("pmemu") && fname.find(key) != std::string::npos) {
        std::filesystem::remove(entry.path(), ec);
      }
    }
  }
}

void Cluster::remember_children() {
  const Pid pm = postmaster_pid();
  if (!pm.valid()) return;
  for (Pid child : children_of(pm)) {
    const auto st = read_proc_stat(child);
    // Re-read: the child may have exited since children_of saw it.
    if (st && st->ppid == pm && st->state != 'Z') add_group(st->pgrp);
  }
}

void Cluster::remember_postmaster(Pid pid) {
  if (!pid.valid()) return;
  const auto st = read_proc_stat(pid);
  // A stale pid file may name a pid the kernel has since reused: only a
  // process we (the subreaper) or one of our children parent counts as ours.
  if (!st) return;
  const Pid self(::getpid());
  const auto parent = read_proc_stat(st->ppid);
  if (st->ppid != self && !(parent && parent->ppid == self)) return;
  // pmctl start makes the postmaster a session (and so group) leader.
  add_group(st->pgrp);
  add_group(pid.get());
  last_postmaster_ = pid;
}

std::vector<std::string> Cluster::pid_file_lines() const {
  std::istringstream in(read_text(data_dir() / "postmaster.pid"));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Pid Cluster::postmaster_pid() {
  const auto lines = pid_file_lines();
  if (lines.empty()) return Pid{};
  const Pid pid(static_cast<pid_t>(std::strtol(lines[0].c_str(), nullptr, 10)));
  remember_postmaster(pid);
  if (lines.size() >= 7) {
    // Line 7 is "%9lu %9lu" as PostgreSQL writes it: the key, then an id.
    std::istringstream fields(lines[6]);
    std::string key;
    if (fields >> key && key != "0" && shm_keys_.insert(key).second) watchdog::watch_shm(base_, key);
  }
  return pid;
}

CmdResult Cluster::pmctl(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  args.insert(args.begin(), binary_path("pmctl"));
  return run_command(args, timeout);
}

void Cluster::init(const std::vector<std::string>& settings, const std::vector<std::string>& init_args) {
  std::vector<std::string> args{"init",
                                "-D",
                                data_dir().string(),
                                "-c",
                                "port=" + std::to_string(port_),
                                "-c",
                                "listen_addresses=127.0.0.1",
                                "-c",
                                "unix_socket_directories=" + base_.string(),
                                "-c",
                                "fsync=off"};
  for (const auto& s : settings) {
    args.push_back("-c");
    args.push_back(s);
  }
  args.insert(args.end(), init_args.begin(), init_args.end());
  const CmdResult r = pmctl(args);
  REQUIRE_MESSAGE(r.exit_code == 0, "pmctl init failed: " << r.describe());
}

CmdResult Cluster::try_start(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"start", "-D", data_dir().string(), "-l", log_path().string(), "-t", "30"};
  args.insert(args.end(), extra.begin(), extra.end());
  if (std::find(extra.begin(), extra.end(), "-W") == extra.end()) args.push_back("-w");
  CmdResult r = pmctl(args);
  (void)postmaster_pid();
  return r;
}

void Cluster::start(const std::vector<std::string>& extra) {
  const CmdResult r = try_start(extra);
  REQUIRE_MESSAGE(r.exit_code == 0, "pmctl start failed: " << r.describe() << "\n--- log:\n" << log());
}

CmdResult Cluster::stop(std::string_view mode, bool wait) {
  (void)postmaster_pid();
  return pmctl({"stop", "-D", data_dir().string(), "-m", std::string(mode), wait ? "-w" : "-W", "-t", "60"});
}

void Cluster::append_conf(std::string_view line, std::string_view file) {
  std::ofstream out(data_dir() / file, std::ios::app);
  out << "\n" << line << "\n";
  REQUIRE_MESSAGE(out.good(), "could not append to " << file);
}

void Cluster::kill9_postmaster() {
  const Pid pid = postmaster_pid();
  REQUIRE_MESSAGE(pid.valid(), "no postmaster.pid to kill");
  REQUIRE(::kill(pid.get(), SIGKILL) == 0);
}

void Cluster::wait_postmaster_gone(std::chrono::milliseconds timeout) {
  // The postmaster removes its pid file before it exits: without a pid file
  // the one we saw last may still be running.
  Pid pid = postmaster_pid();
  if (!pid.valid()) pid = last_postmaster_;
  if (!pid.valid()) return;
  wait_for("postmaster " + std::to_string(pid.get()) + " to exit", timeout, [&](std::string& seen) {
    const auto st = read_proc_stat(pid);
    seen = st ? std::string("state ") + st->state : "gone";
    return !is_alive(pid);
  });
}

std::vector<Pid> Cluster::child_pids() {
  remember_children();
  const Pid pm = postmaster_pid();
  return pm.valid() ? children_of(pm) : std::vector<Pid>{};
}

std::vector<Pid> Cluster::pids_by_title(std::string_view substring) {
  remember_children();
  std::vector<Pid> out;
  for (Pid p : integration::pids_by_title(substring)) {
    const auto st = read_proc_stat(p);
    if (st && groups_.count(st->pgrp)) out.push_back(p);
  }
  return out;
}

CmdResult Cluster::psql(std::string_view sql, Via via) {
  const std::string host = via == Via::Tcp ? "127.0.0.1" : base_.string();
  return run_command({"psql", "-X", "-A", "-t", "-h", host, "-p", std::to_string(port_), "-U", user_, "-d",
                      "postgres", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose", "-c", std::string(sql)},
                     std::chrono::seconds(60));
}

std::string Cluster::conninfo(Via via) const {
  const std::string host = via == Via::Tcp ? "127.0.0.1" : base_.string();
  return "host=" + host + " port=" + std::to_string(port_) + " user=" + user_ +
         " dbname=postgres connect_timeout=10 application_name=it_" + name_;
}

PgConn Cluster::connect(Via via) { return PgConn::connect(conninfo(via)); }

PgConn Cluster::session(Via via) {
  PgConn c = connect(via);
  REQUIRE_MESSAGE(c.connected(), "connection failed: " << c.connect_error());
  return c;
}

std::string Cluster::log() const { return read_text(log_path()); }

size_t Cluster::log_size() const {
  std::error_code ec;
  const auto n = std::filesystem::file_size(log_path(), ec);
  return ec ? 0 : static_cast<size_t>(n);
}

size_t Cluster::count_in_log(std::string_view substring, size_t from) const {
  const std::string text = log();
  size_t n = 0;
  for (size_t pos = text.find(substring, std::min(from, text.size())); pos != std::string::npos;
       pos = text.find(substring, pos + 1)) {
    ++n;
  }
  return n;
}

namespace {
std::string tail(const std::string& text, size_t lines) {
  size_t pos = text.size();
  while (lines-- > 0 && pos > 0) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos);
}
}  // namespace

void Cluster::wait_for_log(std::string_view substring, std::chrono::milliseconds timeout, size_t from) {
  wait_for("log to contain \"" + std::string(substring) + "\"", timeout, [&](std::string& seen) {
    const std::string text = log();
    seen = "log tail:" + tail(text, 15);
    return text.find(substring, std::min(from, text.size())) != std::string::npos;
  });
}

void Cluster::wait_for_log_regex(const std::string& regex, std::chrono::milliseconds timeout, size_t from) {
  const std::regex re(regex);
  wait_for("log to match /" + regex + "/", timeout, [&](std::string& seen) {
    const std::string text = log();
    seen = "log tail:" + tail(text, 15);
    return std::regex_search(text.begin() + static_cast<std::ptrdiff_t>(std::min(from, text.size())), text.end(), re);
  });
}

void Cluster::wait_for_log_count(std::string_view substring, size_t n, std::chrono::milliseconds timeout) {
  wait_for(std::to_string(n) + " occurrences of \"" + std::string(substring) + "\" in the log", timeout,
           [&](std::string& seen) {
             const size_t have = count_in_log(substring);
             seen = std::to_string(have) + " occurrences; log tail:" + tail(log(), 15);
             return have >= n;
           });
}

}  // namespace pmemu::integration
