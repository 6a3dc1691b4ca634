// A raw protocol client for the tests that send what libpq never would:
// hand-built start-up packets, half messages, floods. The socket is owned
// (closed on destruction); every read has a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pmemu::integration {

class RawClient {
 public:
  // Connects to 127.0.0.1:port; REQUIREs success.
  explicit RawClient(int port);
  // Connects, or holds no socket (ok() false) if connect() failed.
  static RawClient try_connect(int port);
  RawClient(RawClient&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  RawClient& operator=(RawClient&& o) noexcept;
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  ~RawClient();

  [[nodiscard]] bool ok() const { return fd_ >= 0; }
  [[nodiscard]] int fd() const { return fd_; }
  // Sends all of `bytes` (blocking). False if the server closed the socket.
  bool send_all(std::string_view bytes);
  // Everything the server sends until it closes the socket or `timeout`.
  std::string read_until_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until `needle` appears in what was read, the socket closes, or `timeout`.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads whatever arrives within `timeout` and discards it; returns the count.
  std::size_t drain(std::chrono::milliseconds timeout);
  void set_nonblocking();
  // Tells the server we send nothing more (it reads EOF after our bytes).
  void shutdown_write();
  void close();

 private:
  RawClient() = default;
  int fd_ = -1;
};

// Wire pieces (big-endian lengths, protocol 3.0).
[[nodiscard]] std::string be32(std::uint32_t v);
[[nodiscard]] std::string startup_packet(const std::vector<std::pair<std::string, std::string>>& params);
[[nodiscard]] std::string cancel_packet(std::uint32_t pid, std::uint32_t key);
// A simple-protocol Query message ('Q').
[[nodiscard]] std::string query_message(std::string_view sql);
[[nodiscard]] std::string terminate_message();

}  // namespace pmemu::integration
