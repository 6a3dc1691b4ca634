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
  // Takes ownership of `fd` and makes it non-blocking: every send waits in
  // wait_event(), where signals and postmaster death wake it.
  explicit ClientIo(int fd);

  // Output passes this many bytes only inside one message: flush_if_full()
  // sends it, so a client that does not read makes the backend wait, not grow.
  static constexpr std::size_t kFlushThreshold = 8192;

  protocol::Buffer& out() { return out_.buffer(); }
  // Sends everything buffered, waiting for the client to take it. While it
  // waits, SIGTERM, SIGQUIT and postmaster death end the process
  // (handle_die_interrupts). False if the client went away.
  bool flush();
  // flush() once more than kFlushThreshold bytes wait; if the client went
  // away the process exits.
  void flush_if_full();
  // One attempt to send what is buffered, without waiting: used on the way
  // out, where a client that does not read must not keep us.
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
