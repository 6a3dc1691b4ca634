// `pmctl restart`: stop the server if it runs, then start it again with the
// arguments recorded in postmaster.opts (pg_ctl restart). -o replaces them;
// without a readable postmaster.opts (a postmaster started by hand) we fall
// back to `-D DIR`, since our postmaster does not write that file itself.
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "pmctl/cluster_dir.h"
#include "pmctl/commands.h"
#include "pmctl/file_util.h"
#include "pmctl/pidfile_read.h"
#include "pmctl/postmaster_opts.h"
#include "common/proc_alive.h"
#include "pmctl/report.h"
#include "pmctl/split_options.h"

namespace pmemu::pmctl {

namespace {

// The arguments for the new postmaster, or an error message.
std::variant<std::vector<std::string>, std::string> restart_args(const RestartOptions& opts,
                                                                 const std::string& abs_dir) {
  if (opts.postmaster_options) {
    auto split = split_options(*opts.postmaster_options);
    if (auto* err = std::get_if<SplitError>(&split)) return err->message;
    auto args = std::vector<std::string>{"-D", abs_dir};
    for (auto& w : std::get<std::vector<std::string>>(split)) args.push_back(std::move(w));
    return args;
  }
  auto line = read_whole_file(opts_file_path(abs_dir), nullptr);
  if (!line) return std::vector<std::string>{"-D", abs_dir};
  auto parsed = parse_opts_line(*line);
  if (auto* err = std::get_if<std::string>(&parsed)) {
    return "could not parse file \"" + opts_file_path(abs_dir) + "\": " + *err;
  }
  return std::get<PostmasterCommand>(parsed).args;
}

}  // namespace

int run_restart(const RestartOptions& opts) {
  if (auto err = check_cluster_dir(opts.data_dir)) return fail(*err);
  const std::string abs_dir = absolute_dir(opts.data_dir);
  // Read before stopping: start rewrites postmaster.opts.
  auto args = restart_args(opts, abs_dir);
  if (auto* err = std::get_if<std::string>(&args)) return fail(*err);

  auto read = read_pid_file(opts.data_dir);
  if (auto* err = std::get_if<PidFileError>(&read)) {
    if (err->kind != PidFileError::Kind::Missing) return fail(err->message);
    print_error(err->message);
    print_stderr_line("Is server running?");
    print_stderr_line("trying to start server anyway");
  } else {
    const Pid pid = std::get<PidFileInfo>(read).pid;
    if (process_alive(pid)) {
      if (::kill(pid.get(), shutdown_signal(opts.mode)) != 0) {
        return fail("could not send stop signal (PID: " + std::to_string(pid.get()) + "): " +
                    std::strerror(errno));
      }
      print_msg("waiting for server to shut down...");
      if (!wait_for_stop(opts.data_dir, pid, opts.timeout)) {
        print_msg(" failed\n");
        return fail("server does not shut down");
      }
      print_msg(" done\nserver stopped\n");
    } else {
      print_error("old server process (PID: " + std::to_string(pid.get()) + ") seems to be gone");
      print_stderr_line("starting server anyway");
    }
  }

  return start_postmaster(LaunchRequest{.data_dir = abs_dir,
                                        .args = std::move(std::get<std::vector<std::string>>(args)),
                                        .log_file = opts.log_file,
                                        .wait = opts.wait,
                                        .timeout = opts.timeout});
}

}  // namespace pmemu::pmctl
