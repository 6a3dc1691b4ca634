#include "tests/integration/harness/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace pmemu::integration {
namespace {

// Reads what is available from fd into sink; returns false at EOF or error.
bool drain(int fd, std::string& sink) {
  std::array<char, 4096> buf{};
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n > 0) {
      sink.append(buf.data(), static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    return false;
  }
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string CmdResult::describe() const {
  return "exit " + std::to_string(exit_code) + (timed_out ? " (timed out)" : "") + "; stdout: [" + out +
         "]; stderr: [" + err + "]";
}

CmdResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  CmdResult result;
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return result;
  }
  // Only our read ends are non-blocking: the write ends are shared with the
  // child, which must be able to block on a full pipe.
  ::fcntl(out_pipe[0], F_SETFL, O_NONBLOCK);
  ::fcntl(err_pipe[0], F_SETFL, O_NONBLOCK);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid == 0) {
    // The test process ignores SIGPIPE; the programs it runs start as a user's would.
    ::signal(SIGPIPE, SIG_DFL);
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::execvp(args[0], args.data());
    const std::string msg = std::string("could not execute ") + args[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return result;
  }

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true;
  bool err_open = true;
  int status = 0;
  bool exited = false;
  // A server the command started might inherit the pipes by mistake; stop
  // reading once the command itself has exited rather than wait for EOF.
  while (!exited) {
    std::array<pollfd, 2> fds{pollfd{out_open ? out_pipe[0] : -1, POLLIN, 0},
                              pollfd{err_open ? err_pipe[0] : -1, POLLIN, 0}};
    ::poll(fds.data(), fds.size(), 10);
    if (out_open) out_open = drain(out_pipe[0], result.out);
    if (err_open) err_open = drain(err_pipe[0], result.err);
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
    } else if (std::chrono::steady_clock::now() > deadline) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      exited = true;
    }
  }
  if (out_open) drain(out_pipe[0], result.out);
  if (err_open) drain(err_pipe[0], result.err);
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  result.exit_code = decode_status(status);
  return result;
}

}  // namespace pmemu::integration
