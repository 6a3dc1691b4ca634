// `pmctl promote`: ask a standby to end recovery (pg_ctl promote): write
// promote.signal, then SIGUSR1 the postmaster, which checks for the file.
// With -w, wait until pg_control says "in production".
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "config/durable_file.h"
#include "pmctl/cluster_dir.h"
#include "pmctl/commands.h"
#include "pmctl/file_util.h"
#include "pmctl/pidfile_read.h"
#include "pmctl/poll_wait.h"
#include "pmctl/report.h"
#include "wal/control_file.h"

namespace pmemu::pmctl {

namespace {

bool in_production(const std::string& data_dir) {
  auto control = wal::read_control_file(data_dir);
  return control.ok() && control.value().state == wal::DbState::InProduction;
}

}  // namespace

int run_promote(const PromoteOptions& opts) {
  if (auto err = check_cluster_dir(opts.data_dir)) return fail(*err);
  auto read = read_pid_file(opts.data_dir);
  if (auto* err = std::get_if<PidFileError>(&read)) {
    print_error(err->message);
    if (err->kind == PidFileError::Kind::Missing) print_stderr_line("Is server running?");
    return kExitFailure;
  }
  const Pid pid = std::get<PidFileInfo>(read).pid;

  // pg_ctl asks pg_control; the signal file says the same before the startup
  // process has even written pg_control, and is what the server acts on.
  if (::access((opts.data_dir + "/standby.signal").c_str(), F_OK) != 0) {
    return fail("cannot promote server; server is not in standby mode");
  }

  const std::string promote_file = opts.data_dir + "/promote.signal";
  if (auto err = config::write_file_durably(promote_file, ""); !err.empty()) return fail(err);
  if (::kill(pid.get(), SIGUSR1) != 0) {
    int err = errno;
    ::unlink(promote_file.c_str());
    return fail("could not send promote signal (PID: " + std::to_string(pid.get()) + "): " + std::strerror(err));
  }

  if (!opts.wait) {
    print_msg("server promoting\n");
    return kExitOk;
  }
  print_msg("waiting for server to promote...");
  auto outcome = poll_wait(WaitSpec{.timeout = opts.timeout,
                                    .condition = [&] { return in_production(opts.data_dir); },
                                    .aborted = [] { return false; },
                                    .on_second = [] { print_msg("."); }});
  if (outcome != WaitOutcome::Met) {
    print_msg(" stopped waiting\n");
    return fail("server did not promote in time");
  }
  print_msg(" done\nserver promoted\n");
  return kExitOk;
}

}  // namespace pmemu::pmctl
