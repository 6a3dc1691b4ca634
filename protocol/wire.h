// Big-endian (network order) encoding of the protocol's primitive types:
// Int8/16/32/64, NUL-terminated String, raw Byte_n. The frontend/backend
// protocol is described in docs/protocol.md.
//
// A byte buffer is a std::string: it is what recv/send and the string-valued
// fields use, and it may hold any byte including NUL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pmemu::protocol {

using Buffer = std::string;

// Appends fixed-width big-endian integers and strings to a buffer.
void put_int8(Buffer& out, std::uint8_t v);
void put_int16(Buffer& out, std::int16_t v);
void put_int32(Buffer& out, std::int32_t v);
void put_int64(Buffer& out, std::int64_t v);
void put_uint32(Buffer& out, std::uint32_t v);
void put_uint64(Buffer& out, std::uint64_t v);
// Writes s followed by a NUL. s must not contain NUL (checked: aborts).
void put_cstring(Buffer& out, std::string_view s);
void put_bytes(Buffer& out, std::string_view bytes);

// Reads big-endian values from a fixed span. A read that would go past the end
// returns nullopt, consumes nothing, and leaves the reader failed(), so a
// sequence of reads can be checked once at the end.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : data_(bytes) {}

  [[nodiscard]] std::optional<std::uint8_t> int8();
  [[nodiscard]] std::optional<std::int16_t> int16();
  [[nodiscard]] std::optional<std::int32_t> int32();
  [[nodiscard]] std::optional<std::int64_t> int64();
  [[nodiscard]] std::optional<std::uint32_t> uint32();
  [[nodiscard]] std::optional<std::uint64_t> uint64();
  // Up to (not including) the next NUL, which is consumed; nullopt if there
  // is no NUL before the end.
  [[nodiscard]] std::optional<std::string_view> cstring();
  [[nodiscard]] std::optional<std::string_view> bytes(std::size_t n);
  // Everything not yet read.
  [[nodiscard]] std::string_view rest();

  [[nodiscard]] std::size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] bool at_end() const { return pos_ == data_.size(); }
  [[nodiscard]] bool failed() const { return failed_; }

 private:
  std::optional<std::uint64_t> unsigned_be(std::size_t width);

  std::string_view data_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

// Frames one backend message: type byte, Int32 length (counting itself and
// the body), body. Construct, append the body to buffer(), then finish().
// The length is patched in finish(), so nothing else may be appended to the
// buffer in between by another writer.
class MessageWriter {
 public:
  MessageWriter(Buffer& out, char type);
  [[nodiscard]] Buffer& buffer() { return out_; }
  void finish();

 private:
  Buffer& out_;
  std::size_t length_at_;
};

}  // namespace pmemu::protocol
