#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "pmctl/report.h"
#include "pmctl/test_commands.h"

namespace pmemu::pmctl {
namespace {

int signal_number(const std::string& name) {
  static const std::pair<const char*, int> kSignals[] = {
      {"TERM", SIGTERM}, {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL}, {"HUP", SIGHUP},
      {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"STOP", SIGSTOP}, {"CONT", SIGCONT}};
  std::string n = name.rfind("SIG", 0) == 0 ? name.substr(3) : name;
  for (auto& [s, v] : kSignals)
    if (n == s) return v;
  return 0;
}

}  // namespace

int run_kill(const KillOptions& opts) {
  const int signo = signal_number(opts.signal);
  if (signo == 0) {
    print_error("unrecognized signal name \"" + opts.signal + "\" (TERM INT QUIT KILL HUP USR1 USR2 STOP CONT)");
    return 2;
  }
  static const char* kRoles[] = {"postmaster", "startup", "checkpointer", "walsender", "walreceiver", "backend"};
  char* end = nullptr;
  long as_pid = std::strtol(opts.role.c_str(), &end, 10);
  const bool by_pid = !opts.role.empty() && *end == '\0' && as_pid > 0;
  if (!by_pid && std::find(std::begin(kRoles), std::end(kRoles), opts.role) == std::end(kRoles)) {
    print_error("unrecognized role \"" + opts.role +
                "\" (postmaster, startup, checkpointer, walsender, walreceiver, backend, or a pid)");
    return 2;
  }
  const std::string ptype = opts.role == "backend" ? "client backend" : opts.role;
  std::vector<ProcInfo> targets;
  for (auto& p : cluster_processes(opts.data_dir)) {  // oldest first
    if (p.state == 'Z' || p.state == 'X') continue;  // already dead, waiting to be reaped
    if (by_pid ? p.pid.get() == as_pid : p.ptype == ptype) targets.push_back(p);
  }
  if (targets.empty()) {
    print_error("no running " + (by_pid ? "process " + opts.role + " of this cluster" : opts.role + " process") +
                " in \"" + opts.data_dir + "\"");
    return 1;
  }
  if (targets.size() > 1 && !opts.all) {
    std::printf("%zu %s processes; signalling the oldest (use --all for every one)\n", targets.size(),
                opts.role.c_str());
    targets.resize(1);
  }
  int rc = 0;
  for (auto& p : targets) {
    if (::kill(p.pid.get(), signo) != 0) {
      print_error("could not send signal to process " + std::to_string(p.pid.get()));
      rc = 1;
      continue;
    }
    std::printf("%d\n", p.pid.get());
  }
  std::fflush(stdout);
  return rc;
}

}  // namespace pmemu::pmctl
