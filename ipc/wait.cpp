#include "ipc/wait.h"

#include <atomic>
#include <cerrno>
#include <poll.h>

#include "ipc/pm_death.h"
#include "ipc/process_env.h"
#include "ipc/signals.h"

namespace pmemu::ipc {

void reset_latch(shmem::Latch& latch) { latch.is_set.store(0, std::memory_order_release); }

std::uint32_t wait_event(const WaitSpec& spec) {
  if (spec.latch) {
    spec.latch->maybe_sleeping.store(1, std::memory_order_seq_cst);
    if (spec.latch->is_set.load(std::memory_order_seq_cst) != 0) {
      spec.latch->maybe_sleeping.store(0, std::memory_order_release);
      return kWaitLatch;
    }
  }
  if (spec.messages.before_sleep && spec.messages.before_sleep(spec.messages.ctx)) {
    if (spec.latch) spec.latch->maybe_sleeping.store(0, std::memory_order_release);
    return kWaitMessage;
  }
  pollfd fds[3];
  int n = 0;
  fds[n++] = pollfd{self_pipe_read_fd(), POLLIN, 0};
  int sock_idx = -1, death_idx = -1;
  if (spec.socket_fd >= 0) {
    short ev = 0;
    if (spec.want_read) ev |= POLLIN;
    if (spec.want_write) ev |= POLLOUT;
    sock_idx = n;
    fds[n++] = pollfd{spec.socket_fd, ev, 0};
  }
  if (spec.watch_postmaster && death_pipe_read_fd() >= 0) {
    death_idx = n;
    fds[n++] = pollfd{death_pipe_read_fd(), POLLIN, 0};
  }
  int rc = ::poll(fds, static_cast<nfds_t>(n), spec.timeout_ms);
  std::uint32_t result = 0;
  if (spec.latch) {
    spec.latch->maybe_sleeping.store(0, std::memory_order_release);
    if (spec.latch->is_set.load(std::memory_order_acquire) != 0) result |= kWaitLatch;
  }
  if (spec.messages.after_sleep && spec.messages.after_sleep(spec.messages.ctx)) result |= kWaitMessage;
  if (rc == 0) return result | kWaitTimeout;
  if (rc < 0) return result | (errno == EINTR ? kWaitSignal : kWaitTimeout);
  if (fds[0].revents) {
    drain_self_pipe();
    result |= kWaitSignal;
  }
  if (sock_idx >= 0 && fds[sock_idx].revents) {
    if (fds[sock_idx].revents & (POLLIN | POLLHUP | POLLERR)) result |= kWaitSocketReadable;
    if (fds[sock_idx].revents & POLLOUT) result |= kWaitSocketWritable;
  }
  if (death_idx >= 0 && fds[death_idx].revents && !postmaster_alive()) result |= kWaitPostmasterDeath;
  if (pending(Sig::Pwr) && !postmaster_alive()) result |= kWaitPostmasterDeath;
  if (result == 0) result = kWaitSignal;
  return result;
}

std::uint32_t wait_on_my_latch(WaitSpec spec) {
  shmem::ProcSlot* slot = my_proc_slot();
  spec.latch = slot ? &slot->latch : nullptr;
  const std::uint32_t ev = wait_event(spec);
  if (slot) reset_latch(slot->latch);
  return ev;
}

}  // namespace pmemu::ipc
