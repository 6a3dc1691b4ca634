#include "tests/integration/harness/raw_client.h"

#include <doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pmemu::integration {
namespace {

using Clock = std::chrono::steady_clock;

int connect_tcp(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int ms_left(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long>(0, left));
}

}  // namespace

RawClient::RawClient(int port) : fd_(connect_tcp(port)) { REQUIRE_MESSAGE(fd_ >= 0, "connect to port " << port); }

RawClient RawClient::try_connect(int port) {
  RawClient c;
  c.fd_ = connect_tcp(port);
  return c;
}

RawClient& RawClient::operator=(RawClient&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

RawClient::~RawClient() { close(); }

void RawClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void RawClient::set_nonblocking() { (void)::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK); }

void RawClient::shutdown_write() { (void)::shutdown(fd_, SHUT_WR); }

bool RawClient::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawClient::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string got;
  char buf[8192];
  while (needle.empty() || got.find(needle) == std::string::npos) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, ms_left(deadline)) <= 0) break;
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

std::string RawClient::read_until_closed(std::chrono::milliseconds timeout) { return read_until({}, timeout); }

std::size_t RawClient::drain(std::chrono::milliseconds timeout) { return read_until({}, timeout).size(); }

std::string be32(std::uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[static_cast<size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  return s;
}

std::string startup_packet(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string body = be32(196608);
  for (auto& [k, v] : params) body += k + '\0' + v + '\0';
  body += '\0';
  return be32(static_cast<std::uint32_t>(body.size() + 4)) + body;
}

std::string cancel_packet(std::uint32_t pid, std::uint32_t key) {
  return be32(16) + be32(80877102) + be32(pid) + be32(key);
}

std::string query_message(std::string_view sql) {
  std::string body(sql);
  body += '\0';
  return "Q" + be32(static_cast<std::uint32_t>(body.size() + 4)) + body;
}

std::string terminate_message() { return "X" + be32(4); }

}  // namespace pmemu::integration
