// `pmctl start`: fork, exec the postmaster that sits next to pmctl, and with
// -w wait until its pid file says it is up, as pg_ctl start does.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <variant>

#include "config/durable_file.h"
#include "pmctl/cluster_dir.h"
#include "pmctl/commands.h"
#include "pmctl/file_util.h"
#include "pmctl/pidfile_read.h"
#include "pmctl/poll_wait.h"
#include "pmctl/postmaster_opts.h"
#include "common/proc_alive.h"
#include "pmctl/report.h"
#include "pmctl/split_options.h"

namespace pmemu::pmctl {

namespace {

constexpr std::size_t kLogTailLines = 20;

// The postmaster binary is built into the same directory as pmctl.
std::optional<std::string> postmaster_path(std::string* error) {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) {
    *error = std::string("could not find own program executable: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::string path(self, static_cast<std::size_t>(n));
  path = path.substr(0, path.rfind('/') + 1) + "postmaster";
  if (::access(path.c_str(), X_OK) != 0) {
    *error = "program \"postmaster\" is needed by pmctl but was not found in the same directory as \"" +
             std::string(self, static_cast<std::size_t>(n)) + "\"";
    return std::nullopt;
  }
  return path;
}

// The child side of fork: never returns. Exec failures travel back to the
// parent through `report_fd` (close-on-exec, so success reads as EOF).
[[noreturn]] void exec_postmaster(const std::string& program, const std::vector<std::string>& args,
                                  int log_fd, int report_fd) {
  ::setsid();
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(program.c_str(), argv.data());
  int err = errno;
  [[maybe_unused]] auto w = ::write(report_fd, &err, sizeof err);
  ::_exit(127);
}

// fork + exec; the child's pid, or an error message. The parent learns of an
// exec failure synchronously, before it starts waiting for the pid file.
std::variant<Pid, std::string> launch(const std::string& program, const std::vector<std::string>& args,
                                      int log_fd) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return std::string("could not create pipe: ") + std::strerror(errno);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return std::string("could not start server: ") + std::strerror(err);
  }
  if (pid == 0) {
    ::close(pipefd[0]);
    exec_postmaster(program, args, log_fd, pipefd[1]);
  }
  ::close(pipefd[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(pipefd[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(pipefd[0]);
  if (n > 0) {
    ::waitpid(pid, nullptr, 0);
    return "could not start server: could not execute \"" + program + "\": " + std::strerror(child_errno);
  }
  return Pid{pid};
}

// pg_ctl's test: our child's pid on line 1, a start time not older than our
// launch (2 s slack for clock granularity), and a status saying "up".
bool server_is_up(const std::string& data_dir, Pid child, std::time_t launched_at) {
  auto read = read_pid_file(data_dir);
  auto* info = std::get_if<PidFileInfo>(&read);
  if (!info || info->pid != child) return false;
  if (info->start_time && *info->start_time < launched_at - 2) return false;
  return status_is_up(info->status);
}

bool child_has_exited(Pid child) {
  int status = 0;
  pid_t r = ::waitpid(child.get(), &status, WNOHANG);
  return r == child.get() || (r < 0 && errno == ECHILD);
}

void print_log_tail(const std::string& log_file) {
  if (log_file.empty()) return;
  auto text = read_whole_file(log_file, nullptr);
  if (!text) return;
  for (const auto& line : last_lines(*text, kLogTailLines)) print_stderr_line(line);
}

}  // namespace

int start_postmaster(const LaunchRequest& req) {
  std::string error;
  auto program = postmaster_path(&error);
  if (!program) return fail(error);

  auto old = read_pid_file(req.data_dir);
  auto* old_info = std::get_if<PidFileInfo>(&old);
  const bool maybe_running = old_info && process_alive(old_info->pid);
  if (maybe_running) {
    print_error("another server might be running; trying to start server anyway");
  }

  const std::string log_target = req.log_file.empty() ? "/dev/null" : req.log_file;
  int log_fd = ::open(log_target.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return fail("could not open log file \"" + log_target + "\": " + std::strerror(errno));
  }

  // The running server's options stay recorded when this start is about to
  // be refused by the postmaster's lock file.
  if (!maybe_running) {
    auto opts_err = config::write_file_durably(opts_file_path(req.data_dir),
                                               format_opts_line(PostmasterCommand{*program, req.args}));
    if (!opts_err.empty()) {
      ::close(log_fd);
      return fail(opts_err);
    }
  }

  const std::time_t launched_at = std::time(nullptr);
  auto launched = launch(*program, req.args, log_fd);
  ::close(log_fd);
  if (auto* msg = std::get_if<std::string>(&launched)) return fail(*msg);
  const Pid child = std::get<Pid>(launched);

  if (!req.wait) {
    print_msg("server starting\n");
    return kExitOk;
  }

  print_msg("waiting for server to start...");
  auto outcome = poll_wait(WaitSpec{
      .timeout = req.timeout,
      .condition = [&] { return server_is_up(req.data_dir, child, launched_at); },
      .aborted = [&] { return child_has_exited(child); },
      .on_second = [] { print_msg("."); },
  });
  if (outcome == WaitOutcome::Met) {
    print_msg(" done\nserver started\n");
    return kExitOk;
  }
  print_msg(" stopped waiting\n");
  print_error(outcome == WaitOutcome::TimedOut ? "could not start server: server did not start in time"
                                                 : "could not start server");
  print_stderr_line("Examine the log output.");
  print_log_tail(req.log_file);
  return kExitFailure;
}

int run_start(const StartOptions& opts) {
  if (auto err = check_cluster_dir(opts.data_dir)) return fail(*err);
  LaunchRequest req{.data_dir = absolute_dir(opts.data_dir),
                    .args = {},
                    .log_file = opts.log_file,
                    .wait = opts.wait,
                    .timeout = opts.timeout};
  req.args = {"-D", req.data_dir};
  if (opts.postmaster_options) {
    auto split = split_options(*opts.postmaster_options);
    if (auto* err = std::get_if<SplitError>(&split)) return fail(err->message);
    for (auto& w : std::get<std::vector<std::string>>(split)) req.args.push_back(std::move(w));
  }
  return start_postmaster(req);
}

}  // namespace pmemu::pmctl
