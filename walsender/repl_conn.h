// The walsender's end of its client socket: non-blocking both ways, so the
// streaming loop can read replies, push WAL and wait on its latch in one
// place. Owned by the walsender process; never shared.
//
// Both directions are bounded whatever the client does: read_available()
// stops once kInputBound bytes wait unparsed (the caller parses them and
// calls again), and output_full() tells the command loop to stop taking
// commands until the client has read its answers.
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

  static constexpr std::size_t kInputBound = 64 * 1024;
  static constexpr std::size_t kOutputBound = 64 * 1024;

  protocol::Buffer& out() { return out_.buffer(); }
  [[nodiscard]] bool output_full() const { return out_.pending() >= kOutputBound; }
  [[nodiscard]] std::size_t pending() const { return out_.pending(); }
  [[nodiscard]] int fd() const { return fd_.get(); }

  // Sends what the socket takes now. False if the client is gone.
  [[nodiscard]] bool try_flush();
  // Reads what is available now into the frame decoder, at least once and
  // until kInputBound bytes wait unparsed. False if the client closed the
  // connection.
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
