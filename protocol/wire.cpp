#include "protocol/wire.h"

#include <cstdlib>

namespace pmemu::protocol {

namespace {

void put_be(Buffer& out, std::uint64_t v, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

void put_int8(Buffer& out, std::uint8_t v) { put_be(out, v, 1); }
void put_int16(Buffer& out, std::int16_t v) { put_be(out, static_cast<std::uint16_t>(v), 2); }
void put_int32(Buffer& out, std::int32_t v) { put_be(out, static_cast<std::uint32_t>(v), 4); }
void put_int64(Buffer& out, std::int64_t v) { put_be(out, static_cast<std::uint64_t>(v), 8); }
void put_uint32(Buffer& out, std::uint32_t v) { put_be(out, v, 4); }
void put_uint64(Buffer& out, std::uint64_t v) { put_be(out, v, 8); }

void put_cstring(Buffer& out, std::string_view s) {
  // An embedded NUL would silently truncate the field on the client and shift
  // every following field: a programming error, not bad input.
  if (s.find('\0') != std::string_view::npos) std::abort();
  out.append(s);
  out.push_back('\0');
}

void put_bytes(Buffer& out, std::string_view bytes) { out.append(bytes); }

std::optional<std::uint64_t> WireReader::unsigned_be(std::size_t width) {
  if (failed_ || remaining() < width) {
    failed_ = true;
    return std::nullopt;
  }
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i)
    v = (v << 8) | static_cast<unsigned char>(data_[pos_ + i]);
  pos_ += width;
  return v;
}

std::optional<std::uint8_t> WireReader::int8() {
  auto v = unsigned_be(1);
  if (!v) return std::nullopt;
  return static_cast<std::uint8_t>(*v);
}

std::optional<std::int16_t> WireReader::int16() {
  auto v = unsigned_be(2);
  if (!v) return std::nullopt;
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(*v));
}

std::optional<std::int32_t> WireReader::int32() {
  auto v = unsigned_be(4);
  if (!v) return std::nullopt;
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(*v));
}

std::optional<std::int64_t> WireReader::int64() {
  auto v = unsigned_be(8);
  if (!v) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::optional<std::uint32_t> WireReader::uint32() {
  auto v = unsigned_be(4);
  if (!v) return std::nullopt;
  return static_cast<std::uint32_t>(*v);
}

std::optional<std::uint64_t> WireReader::uint64() { return unsigned_be(8); }

std::optional<std::string_view> WireReader::cstring() {
  if (failed_) return std::nullopt;
  auto nul = data_.find('\0', pos_);
  if (nul == std::string_view::npos) {
    failed_ = true;
    return std::nullopt;
  }
  auto s = data_.substr(pos_, nul - pos_);
  pos_ = nul + 1;
  return s;
}

std::optional<std::string_view> WireReader::bytes(std::size_t n) {
  if (failed_ || remaining() < n) {
    failed_ = true;
    return std::nullopt;
  }
  auto s = data_.substr(pos_, n);
  pos_ += n;
  return s;
}

std::string_view WireReader::rest() {
  auto s = data_.substr(pos_);
  pos_ = data_.size();
  return s;
}

MessageWriter::MessageWriter(Buffer& out, char type) : out_(out) {
  out_.push_back(type);
  length_at_ = out_.size();
  put_int32(out_, 0);
}

void MessageWriter::finish() {
  auto len = static_cast<std::uint32_t>(out_.size() - length_at_);
  for (int i = 0; i < 4; ++i)
    out_[length_at_ + static_cast<std::size_t>(i)] = static_cast<char>((len >> (8 * (3 - i))) & 0xff);
}

}  // namespace pmemu::protocol
