// `pmctl reload`: SIGHUP makes the postmaster re-read its configuration.
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "pmctl/cluster_dir.h"
#include "pmctl/commands.h"
#include "pmctl/pidfile_read.h"
#include "pmctl/report.h"

namespace pmemu::pmctl {

int run_reload(const std::string& data_dir) {
  if (auto err = check_cluster_dir(data_dir)) return fail(*err);
  auto read = read_pid_file(data_dir);
  if (auto* err = std::get_if<PidFileError>(&read)) {
    print_error(err->message);
    if (err->kind == PidFileError::Kind::Missing) print_stderr_line("Is server running?");
    return kExitFailure;
  }
  const Pid pid = std::get<PidFileInfo>(read).pid;
  if (::kill(pid.get(), SIGHUP) != 0) {
    return fail("could not send reload signal (PID: " + std::to_string(pid.get()) + "): " + std::strerror(errno));
  }
  print_msg("server signaled\n");
  return kExitOk;
}

}  // namespace pmemu::pmctl
