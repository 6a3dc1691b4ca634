// What scenarios 009 and 010 share: running an unmodified pg_receivewal in
// the background against a test cluster, and reading WAL files back.
#pragma once

#include <doctest.h>

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/text.h"

namespace pmemu::integration {

// A pg_receivewal process, killed (SIGKILL) by the destructor if still alive.
// Its stdout+stderr go to `log_file`. The harness's reap_orphans may reap it,
// so liveness is read from /proc (is_alive), never from waitpid.
class ReceiveWal {
 public:
  ReceiveWal(const Cluster& c, const std::filesystem::path& dir, std::vector<std::string> extra,
             std::filesystem::path log_file)
      : log_(std::move(log_file)) {
    std::filesystem::create_directories(dir);
    std::vector<std::string> argv = {"pg_receivewal", "-D", dir.string(), "-h", "127.0.0.1",
                                     "-p", std::to_string(c.port()), "-U", c.user(), "--no-loop", "-v", "-w"};
    for (auto& a : extra) argv.push_back(a);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      int devnull = ::open("/dev/null", O_RDONLY);
      ::dup2(devnull, 0);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      _exit(127);
    }
  }
  ~ReceiveWal() {
    if (is_alive(Pid{pid_})) ::kill(pid_, SIGKILL);
    int st;
    (void)::waitpid(pid_, &st, WNOHANG);
  }
  ReceiveWal(const ReceiveWal&) = delete;
  ReceiveWal& operator=(const ReceiveWal&) = delete;

  [[nodiscard]] bool alive() const { return is_alive(Pid{pid_}); }
  void interrupt() { ::kill(pid_, SIGINT); }
  [[nodiscard]] std::string output() const { return read_text(log_); }
  void wait_gone(std::chrono::milliseconds timeout) {
    wait_for("pg_receivewal to exit", timeout, [&](std::string& seen) {
      seen = output();
      return !alive();
    });
  }

 private:
  pid_t pid_ = -1;
  std::filesystem::path log_;
};

[[nodiscard]] inline std::string file_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// "Latest checkpoint location:  0/3000148" from pmctl controldata.
[[nodiscard]] inline std::string controldata_field(Cluster& c, const std::string& field) {
  auto r = c.pmctl({"controldata", "-D", c.data_dir().string()});
  std::smatch m;
  std::regex re(field + R"(:\s+(\S[^\n]*))");
  if (std::regex_search(r.out, m, re)) return trim(m[1].str());
  return "";
}

// pg_stat_replication rows, '|'-separated: pid, application_name,
// client_addr, state, sent, write, flush, replay, sync_state, reply_time.
[[nodiscard]] inline std::vector<std::vector<std::string>> replication_rows(Cluster& c) {
  std::vector<std::vector<std::string>> rows;
  for (auto& line : lines_of(c.psql("SELECT * FROM pg_stat_replication").out)) {
    std::vector<std::string> f;
    std::string cur;
    for (char ch : line) {
      if (ch == '|') { f.push_back(cur); cur.clear(); } else { cur += ch; }
    }
    f.push_back(cur);
    if (f.size() == 10) rows.push_back(f);
  }
  return rows;
}

// "0/3000148" -> 0x3000148; 0 for "" or garbage.
[[nodiscard]] inline std::uint64_t lsn_value(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return 0;
  try {
    return (std::stoull(s.substr(0, slash), nullptr, 16) << 32) | std::stoull(s.substr(slash + 1), nullptr, 16);
  } catch (...) {
    return 0;
  }
}

}  // namespace pmemu::integration
