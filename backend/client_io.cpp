#include "backend/client_io.h"

#include <fcntl.h>
#include <unistd.h>

#include "backend/session_exit.h"

#include "ipc/lsn_notice.h"
#include "ipc/process_env.h"
#include "ipc/wait.h"

namespace pmemu::backend {

ClientIo::ClientIo(int fd) : fd_(fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) (void)::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

bool ClientIo::flush() {
  for (;;) {
    auto r = out_.flush(fd_.get());
    if (r.status == protocol::IoStatus::kOk) return true;
    if (r.status != protocol::IoStatus::kWouldBlock) return false;
    ipc::WaitSpec w;
    w.socket_fd = fd_.get();
    w.want_write = true;
    if (ipc::wait_event(w) & ipc::kWaitPostmasterDeath) die_for_postmaster_death(*this);
    handle_die_interrupts(*this);
  }
}

void ClientIo::flush_if_full() {
  if (out_.pending() > kFlushThreshold && !flush()) backend_exit(nullptr, 0);
}

void ClientIo::flush_best_effort() { (void)out_.flush(fd_.get()); }

ClientIo::ReadOutcome ClientIo::read_some(std::string* into, int timeout_ms) {
  ipc::WaitSpec w;
  w.socket_fd = fd_.get();
  w.want_read = true;
  w.timeout_ms = timeout_ms;
  // An idle backend expects no message, but a late kSyncRepReleased (sent
  // for a wait that had already seen its release) is read and dropped here
  // rather than kept, and the mailbox gives back its page while we sleep.
  ipc::wake_on_messages(w);
  auto ev = ipc::wait_on_my_latch(w);
  if (ev & ipc::kWaitMessage) (void)ipc::drain_lsn_notices(ipc::imessage::MessageType::kSyncRepReleased);
  if (ev & ipc::kWaitPostmasterDeath) return ReadOutcome::PostmasterDied;
  if (ev & ipc::kWaitSocketReadable) {
    switch (protocol::read_some(fd_.get(), *into).status) {
      case protocol::IoStatus::kOk: return ReadOutcome::Data;
      case protocol::IoStatus::kWouldBlock: break;
      case protocol::IoStatus::kClosed:
      case protocol::IoStatus::kError: return ReadOutcome::Closed;
    }
  }
  if (ev & ipc::kWaitTimeout) return ReadOutcome::TimedOut;
  return ReadOutcome::Interrupted;
}

}  // namespace pmemu::backend
