#include "backend/client_io.h"

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/process_env.h"
#include "ipc/wait.h"

namespace pmemu::backend {

bool ClientIo::flush() {
  std::size_t done = 0;
  while (done < out_.size()) {
    ssize_t n = ::send(fd_.get(), out_.data() + done, out_.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      ipc::WaitSpec w;
      w.socket_fd = fd_.get();
      w.want_write = true;
      w.timeout_ms = 1000;
      auto ev = ipc::wait_event(w);
      if (ev & ipc::kWaitPostmasterDeath) {
        out_.clear();
        return false;
      }
      continue;
    }
    out_.clear();
    return false;
  }
  out_.clear();
  return true;
}

void ClientIo::flush_best_effort() { (void)flush(); }

ClientIo::ReadOutcome ClientIo::read_some(std::string* into, int timeout_ms) {
  ipc::WaitSpec w;
  auto* slot = ipc::my_proc_slot();
  w.latch = slot ? &slot->latch : nullptr;
  w.socket_fd = fd_.get();
  w.want_read = true;
  w.timeout_ms = timeout_ms;
  auto ev = ipc::wait_event(w);
  if (slot) ipc::reset_latch(slot->latch);
  if (ev & ipc::kWaitPostmasterDeath) return ReadOutcome::PostmasterDied;
  if (ev & ipc::kWaitSocketReadable) {
    char buf[16384];
    ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      into->append(buf, static_cast<std::size_t>(n));
      return ReadOutcome::Data;
    }
    if (n == 0) return ReadOutcome::Closed;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return ReadOutcome::Closed;
  }
  if (ev & ipc::kWaitTimeout) return ReadOutcome::TimedOut;
  return ReadOutcome::Interrupted;
}

}  // namespace pmemu::backend
