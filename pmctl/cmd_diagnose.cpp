// `pmctl diagnose`: what a person needs when a test hangs (SPEC 10.2). Also
// what `pmctl wait` prints when it times out.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "pmctl/diagnose_parts.h"
#include "pmctl/file_util.h"
#include "pmctl/test_commands.h"
#include "wal/control_file.h"

namespace pmemu::pmctl {
namespace {

constexpr std::size_t kTailLines = 20;
constexpr std::chrono::seconds kGdbLimit{20};

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t at = 0;
  while (at <= dirs.size()) {
    std::size_t end = dirs.find(':', at);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(at, end - at) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    at = end + 1;
  }
  return false;
}

// Runs argv with our stdout and stderr, stdin from /dev/null; its exit status.
int run_program(const std::vector<std::string>& argv) {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t child = ::fork();
  if (child < 0) return -1;
  if (child == 0) {
    if (FILE* null = std::freopen("/dev/null", "r", stdin); !null) ::_exit(127);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void print_section(const std::string& title) { std::printf("--- %s\n", title.c_str()); }

void print_postmaster(const std::string& data_dir, Pid pm, const std::string& status) {
  std::printf("--- postmaster.pid: %s%s\n", pm.valid() ? ("pid " + std::to_string(pm.get()) + ", status ").c_str() : "",
              status.c_str());
  auto change = last_state_change(read_events_text(data_dir));
  std::printf("--- last state event: %s\n", change ? change->c_str() : "none");
}

void print_parked(const std::vector<ProcInfo>& procs) {
  print_section("parked processes");
  bool any = false;
  for (const auto& p : procs) {
    const std::string wchan = wait_channel(p.pid);
    const std::string why = parked_reason(p.state, wchan, wchan);
    if (why.empty()) continue;
    std::printf("%7d  %-16s %s\n", p.pid.get(), p.ptype.c_str(), why.c_str());
    any = true;
  }
  if (!any) std::printf("none\n");
}

void print_control(const std::string& data_dir) {
  print_section("pg_control");
  auto control = wal::read_control_file(data_dir);
  if (control.ok()) std::printf("%s", control_summary(control.value()).c_str());
  else std::printf("unreadable: %s\n", control.error().c_str());
}

void print_tails(const std::string& data_dir, Pid pm) {
  print_section("last 20 events (" + events_path(data_dir) + ")");
  for (auto& l : last_lines(read_events_text(data_dir), kTailLines)) std::printf("%s\n", l.c_str());
  if (auto log = server_log_path(data_dir, pm)) {
    print_section("last 20 lines of the server log (" + *log + ")");
    for (auto& l : last_lines(read_whole_file(*log, nullptr).value_or(""), kTailLines)) std::printf("%s\n", l.c_str());
  } else {
    print_section("server log: not found");
  }
}

void print_stacks(const std::vector<ProcInfo>& procs) {
  if (!on_path("gdb")) {
    print_section("stacks: gdb is not installed (apt-get install gdb)");
    return;
  }
  for (const auto& p : procs) {
    print_section("stack of " + std::to_string(p.pid.get()) + " (" + p.ptype + ")");
    const int rc = run_program(gdb_backtrace_argv(p.pid.get(), kGdbLimit));
    if (rc != 0) std::printf("gdb exited with status %d\n", rc);
  }
}

}  // namespace

int run_diagnose(const std::string& data_dir, bool stacks) {
  std::string status;
  const Pid pm = postmaster_pid(data_dir, &status);
  print_postmaster(data_dir, pm, status);
  print_section("pmctl ps");
  std::fflush(stdout);
  (void)run_ps(data_dir, false);
  const auto procs = cluster_processes(data_dir);
  print_parked(procs);
  print_control(data_dir);
  print_tails(data_dir, pm);
  if (stacks) print_stacks(procs);
  std::fflush(stdout);
  return 0;
}

}  // namespace pmemu::pmctl
