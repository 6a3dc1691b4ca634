#include "protocol/socket_io.h"

#include <cerrno>
#include <sys/socket.h>
#include <sys/types.h>

namespace pmemu::protocol {

namespace {

IoResult from_errno(int err) {
  if (err == EAGAIN || err == EWOULDBLOCK) return {IoStatus::WouldBlock, 0, err};
  if (err == EPIPE || err == ECONNRESET) return {IoStatus::Closed, 0, err};
  return {IoStatus::Error, 0, err};
}

}  // namespace

IoResult read_some(int fd, Buffer& into, std::size_t max) {
  std::size_t old = into.size();
  into.resize(old + max);
  ssize_t n;
  do {
    n = ::recv(fd, into.data() + old, max, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    int err = errno;
    into.resize(old);
    return from_errno(err);
  }
  into.resize(old + static_cast<std::size_t>(n));
  if (n == 0) return {IoStatus::Closed, 0, 0};
  return {IoStatus::Ok, static_cast<std::size_t>(n), 0};
}

IoResult OutBuffer::flush(int fd) {
  std::size_t total = 0;
  while (sent_ < buf_.size()) {
    ssize_t n = ::send(fd, buf_.data() + sent_, buf_.size() - sent_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      IoResult r = from_errno(errno);
      r.bytes = total;
      return r;
    }
    sent_ += static_cast<std::size_t>(n);
    total += static_cast<std::size_t>(n);
  }
  buf_.clear();
  sent_ = 0;
  return {IoStatus::Ok, total, 0};
}

}  // namespace pmemu::protocol
