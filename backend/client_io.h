// One client connection's socket, buffered both ways, with waits that wake
// for signals, the latch and postmaster death so the session can react to
// them while idle. The moving of bytes is protocol/socket_io's (shared with
// the walsender); this class adds only the waiting. Owned by the backend
// process; never shared.
#pragma once

#include <string>

#include "common/unique_fd.h"
#include "protocol/frontend.h"
#include "protocol/socket_io.h"
#include "protocol/wire.h"

namespace pmemu::backend {

class ClientIo {
 public:
  explicit ClientIo(int fd) : fd_(fd) {}

  protocol::Buffer& out() { return out_.buffer(); }
  // Sends everything buffered. False if the client went away.
  bool flush();
  // Sends buffered output, ignoring errors: used on the way out.
  void flush_best_effort();

  enum class ReadOutcome { Data, Closed, Interrupted, TimedOut, PostmasterDied };
  // Waits until bytes arrive (appended to `into`), a signal or latch wakes
  // us (Interrupted: look at the flags, then call again), or `timeout_ms`.
  ReadOutcome read_some(std::string* into, int timeout_ms = -1);

  [[nodiscard]] int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
  protocol::OutBuffer out_;
};

}  // namespace pmemu::backend
