// The walsender's end of its client socket: non-blocking both ways, so the
// streaming loop can read replies, push WAL and wait on its latch in one
// place. Owned by the walsender process; never shared.
#pragma once

#include <string>
#include <variant>

#include "common/unique_fd.h"
#include "protocol/frontend.h"
#include "protocol/socket_io.h"

namespace pmemu::walsender {

class ReplConn {
 public:
  // Takes ownership of `fd` and makes it non-blocking.
  explicit ReplConn(int fd);

  protocol::Buffer& out() { return out_.buffer(); }
  [[nodiscard]] std::size_t pending() const { return out_.pending(); }
  [[nodiscard]] int fd() const { return fd_.get(); }

  // Sends what the socket takes now. False if the client is gone.
  [[nodiscard]] bool try_flush();
  // Reads whatever is available now into the frame decoder. False if the
  // client closed the connection.
  [[nodiscard]] bool read_available();
  // Input that arrived before this process took the socket over.
  void feed_pipelined(std::string_view bytes) { frames_.feed(bytes); }
  // The next complete message, NeedMoreInput, or a FATAL protocol error.
  [[nodiscard]] std::variant<protocol::NeedMoreInput, protocol::FrontendCommand, protocol::PgError> next();

 private:
  UniqueFd fd_;
  protocol::OutBuffer out_;
  protocol::FrameDecoder frames_;
  protocol::Buffer in_;
};

}  // namespace pmemu::walsender
