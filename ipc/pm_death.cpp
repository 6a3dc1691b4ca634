#include "ipc/pm_death.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ipc/signals.h"

namespace pmemu::ipc {
namespace {
int g_death[2] = {-1, -1};
}

void create_death_pipe() {
  if (::pipe2(g_death, O_CLOEXEC) != 0) std::abort();
  ::fcntl(g_death[0], F_SETFL, O_NONBLOCK);
}

void child_close_death_pipe_write_end() {
  if (g_death[1] >= 0) ::close(g_death[1]);
  g_death[1] = -1;
  catch_signal(SIGPWR, Sig::Pwr);
  ::prctl(PR_SET_PDEATHSIG, SIGPWR);
  // The postmaster may have died between fork and prctl.
  if (::getppid() == 1) ::raise(SIGPWR);
}

int death_pipe_read_fd() { return g_death[0]; }

bool postmaster_alive() {
  if (g_death[0] < 0) return true;
  pollfd p{g_death[0], POLLIN, 0};
  int rc = ::poll(&p, 1, 0);
  if (rc <= 0) return true;
  char c;
  ssize_t n = ::read(g_death[0], &c, 1);
  return !(n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR));
}

}  // namespace pmemu::ipc
