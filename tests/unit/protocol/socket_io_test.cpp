#include <doctest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "protocol/socket_io.h"

using namespace pmemu::protocol;

namespace {
struct Pair {
  int fd[2] = {-1, -1};
  Pair() {
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd) == 0);
  }
  ~Pair() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
};
}  // namespace

TEST_CASE("read_some appends, reports would-block and close") {
  Pair p;
  Buffer in = "x";
  CHECK(read_some(p.fd[0], in).status == IoStatus::WouldBlock);
  CHECK(in == "x");
  REQUIRE(::write(p.fd[1], "abc", 3) == 3);
  auto r = read_some(p.fd[0], in);
  CHECK(r.status == IoStatus::Ok);
  CHECK(r.bytes == 3);
  CHECK(in == "xabc");
  ::close(p.fd[1]);
  p.fd[1] = -1;
  CHECK(read_some(p.fd[0], in).status == IoStatus::Closed);
  CHECK(in == "xabc");
}

TEST_CASE("OutBuffer keeps what the socket did not take and sends it later") {
  Pair p;
  int small = 4096;
  ::setsockopt(p.fd[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  OutBuffer out;
  std::string payload(1 << 20, 'z');
  put_bytes(out.buffer(), payload);
  auto r = out.flush(p.fd[0]);
  CHECK(r.status == IoStatus::WouldBlock);
  CHECK(out.pending() == payload.size() - r.bytes);
  CHECK_FALSE(out.empty());
  Buffer got;
  while (!out.empty() || got.size() < payload.size()) {
    auto rr = read_some(p.fd[1], got);
    REQUIRE(rr.status != IoStatus::Error);
    (void)out.flush(p.fd[0]);
  }
  CHECK(got == payload);
  CHECK(out.empty());
}

TEST_CASE("flush to a closed peer is kClosed, not SIGPIPE") {
  Pair p;
  ::close(p.fd[1]);
  p.fd[1] = -1;
  OutBuffer out;
  put_bytes(out.buffer(), "hello");
  CHECK(out.flush(p.fd[0]).status == IoStatus::Closed);
}
