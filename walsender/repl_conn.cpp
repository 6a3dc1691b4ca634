#include "walsender/repl_conn.h"

#include <fcntl.h>

namespace pmemu::walsender {

ReplConn::ReplConn(int fd) : fd_(fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) (void)::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

bool ReplConn::try_flush() {
  if (out_.empty()) return true;
  auto r = out_.flush(fd_.get());
  return r.status == protocol::IoStatus::Ok || r.status == protocol::IoStatus::WouldBlock;
}

bool ReplConn::read_available() {
  for (;;) {
    in_.clear();
    auto r = protocol::read_some(fd_.get(), in_);
    if (r.status == protocol::IoStatus::Ok) {
      frames_.feed(in_);
      if (frames_.buffered() >= kInputBound) return true;
      continue;
    }
    return r.status == protocol::IoStatus::WouldBlock;
  }
}

std::variant<protocol::NeedMoreInput, protocol::FrontendCommand, protocol::PgError> ReplConn::next() {
  auto n = frames_.next();
  if (auto* err = std::get_if<protocol::PgError>(&n)) return *err;
  if (std::holds_alternative<protocol::NeedMoreInput>(n)) return protocol::NeedMoreInput{};
  auto parsed = protocol::parse_frontend_message(std::get<protocol::FrontendMessage>(n));
  if (auto* perr = std::get_if<protocol::PgError>(&parsed)) return *perr;
  return std::get<protocol::FrontendCommand>(parsed);
}

}  // namespace pmemu::walsender
