// The only socket code in protocol/: one non-blocking read into a buffer and
// an output buffer that drains into a socket. The backend's event loop
// decides when to call them (after poll says readable/writable); nothing
// here waits.
#pragma once

#include <cstddef>

#include "protocol/wire.h"

namespace pmemu::protocol {

enum class IoStatus {
  Ok,          // some bytes moved (or, for flush, everything went out)
  WouldBlock,  // EAGAIN: poll and try again
  Closed,      // the peer closed its end (read returned 0, or EPIPE/ECONNRESET)
  Error,       // any other errno, in IoResult::error
};

struct [[nodiscard]] IoResult {
  IoStatus status = IoStatus::Ok;
  std::size_t bytes = 0;
  int error = 0;  // errno for kError/kClosed
};

// One recv() of at most `max` bytes appended to `into`; EINTR is retried.
[[nodiscard]] IoResult read_some(int fd, Buffer& into, std::size_t max = 64 * 1024);

// Messages are appended to buffer(); flush() sends as much as the socket
// takes and keeps the rest for the next flush(). Uses MSG_NOSIGNAL, so a
// vanished client is kClosed, never SIGPIPE.
class OutBuffer {
 public:
  [[nodiscard]] Buffer& buffer() { return buf_; }
  [[nodiscard]] bool empty() const { return buf_.size() == sent_; }
  [[nodiscard]] std::size_t pending() const { return buf_.size() - sent_; }
  [[nodiscard]] IoResult flush(int fd);

 private:
  Buffer buf_;
  std::size_t sent_ = 0;
};

}  // namespace pmemu::protocol
