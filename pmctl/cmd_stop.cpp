// `pmctl stop`: signal the postmaster named in postmaster.pid (SPEC section 8:
// SIGTERM smart, SIGINT fast, SIGQUIT immediate) and with -w wait until it
// has gone, with pg_ctl's messages.
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "pmctl/cluster_dir.h"
#include "pmctl/commands.h"
#include "pmctl/pidfile_read.h"
#include "pmctl/poll_wait.h"
#include "common/proc_alive.h"
#include "pmctl/report.h"

namespace pmemu::pmctl {

int shutdown_signal(ShutdownMode mode) {
  switch (mode) {
    case ShutdownMode::Smart: return SIGTERM;
    case ShutdownMode::Fast: return SIGINT;
    case ShutdownMode::Immediate: return SIGQUIT;
  }
  return SIGINT;
}

bool wait_for_stop(const std::string& data_dir, Pid pid, std::chrono::seconds timeout) {
  auto gone = [&] {
    auto read = read_pid_file(data_dir);
    if (auto* err = std::get_if<PidFileError>(&read); err && err->kind == PidFileError::Kind::Missing) {
      return true;
    }
    return !process_alive(pid);
  };
  auto outcome = poll_wait(WaitSpec{
      .timeout = timeout, .condition = gone, .aborted = [] { return false; }, .on_second = [] { print_msg("."); }});
  return outcome == WaitOutcome::Met;
}

int run_stop(const StopOptions& opts) {
  if (auto err = check_cluster_dir(opts.data_dir)) return fail(*err);
  auto read = read_pid_file(opts.data_dir);
  if (auto* err = std::get_if<PidFileError>(&read)) {
    print_error(err->message);
    if (err->kind == PidFileError::Kind::Missing) print_stderr_line("Is server running?");
    return kExitFailure;
  }
  const Pid pid = std::get<PidFileInfo>(read).pid;
  if (::kill(pid.get(), shutdown_signal(opts.mode)) != 0) {
    return fail("could not send stop signal (PID: " + std::to_string(pid.get()) + "): " + std::strerror(errno));
  }
  if (!opts.wait) {
    print_msg("server shutting down\n");
    return kExitOk;
  }
  print_msg("waiting for server to shut down...");
  if (!wait_for_stop(opts.data_dir, pid, opts.timeout)) {
    print_msg(" failed\n");
    print_error("server does not shut down");
    if (opts.mode == ShutdownMode::Smart) {
      print_stderr_line(
          "HINT: The \"-m fast\" option immediately disconnects sessions rather than\n"
          "waiting for session-initiated disconnection.");
    }
    return kExitFailure;
  }
  print_msg(" done\nserver stopped\n");
  return kExitOk;
}

}  // namespace pmemu::pmctl
