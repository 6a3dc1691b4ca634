#include "ipc/signals.h"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace pmemu::ipc {
namespace {

volatile sig_atomic_t g_flags[static_cast<int>(Sig::Count)];
Sig g_route[65];
int g_pipe[2] = {-1, -1};

void on_signal(int signo) {
  int saved = errno;
  if (signo > 0 && signo < 65) g_flags[static_cast<int>(g_route[signo])] = 1;
  if (g_pipe[1] >= 0) {
    char b = 1;
    ssize_t ignored = ::write(g_pipe[1], &b, 1);
    (void)ignored;
  }
  errno = saved;
}

void on_quit_exit(int) { _exit(2); }

void make_pipe() {
  if (::pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) != 0) std::abort();
}

}  // namespace

void init_self_pipe() {
  if (g_pipe[0] < 0) make_pipe();
}

void reinit_after_fork() {
  if (g_pipe[0] >= 0) {
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
  }
  make_pipe();
  for (auto& f : g_flags) f = 0;
}

int self_pipe_read_fd() { return g_pipe[0]; }

void drain_self_pipe() {
  char buf[64];
  while (::read(g_pipe[0], buf, sizeof buf) > 0) {
  }
}

void catch_signal(int signo, Sig which) {
  g_route[signo] = which;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigfillset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(signo, &sa, nullptr);
}

void ignore_signal(int signo) { std::signal(signo, SIG_IGN); }
void default_signal(int signo) { std::signal(signo, SIG_DFL); }

void quit_exits_immediately() {
  struct sigaction sa {};
  sa.sa_handler = on_quit_exit;
  sigfillset(&sa.sa_mask);
  sigaction(SIGQUIT, &sa, nullptr);
}

bool take(Sig which) {
  auto& f = g_flags[static_cast<int>(which)];
  if (!f) return false;
  f = 0;
  return true;
}

bool pending(Sig which) { return g_flags[static_cast<int>(which)] != 0; }

}  // namespace pmemu::ipc
