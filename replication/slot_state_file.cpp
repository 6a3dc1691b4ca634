#include "replication/slot_state_file.h"

#include <span>

#include "wal/crc32c.h"

namespace pmemu::replication {
namespace {

constexpr std::uint32_t kMagic = 0x504D5253;  // "PMRS"
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kFixed = 4 + 4 + 8 + 4 + 4;  // magic, version, lsn, tli, name length
constexpr std::size_t kMaxName = 63;

void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::uint64_t get_be(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
  return v;
}

std::uint32_t crc_of(std::string_view bytes) {
  return wal::crc32c(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
}

}  // namespace

std::string pack_slot_state(const SlotStateFile& s) {
  std::string out;
  put_be(out, kMagic, 4);
  put_be(out, kVersion, 4);
  put_be(out, s.restart_lsn.get(), 8);
  put_be(out, s.restart_tli.get(), 4);
  put_be(out, s.name.size(), 4);
  out += s.name;
  put_be(out, crc_of(out), 4);
  return out;
}

std::variant<SlotStateFile, std::string> unpack_slot_state(std::string_view bytes) {
  if (bytes.size() < kFixed + 4) return std::string("replication slot file is too short");
  if (get_be(bytes, 0, 4) != kMagic) return std::string("replication slot file has wrong magic number");
  if (get_be(bytes, 4, 4) != kVersion) return std::string("replication slot file has unsupported version");
  const std::size_t name_len = get_be(bytes, 20, 4);
  if (name_len == 0 || name_len > kMaxName || bytes.size() != kFixed + name_len + 4)
    return std::string("replication slot file has wrong length");
  const std::size_t body = kFixed + name_len;
  if (get_be(bytes, body, 4) != crc_of(bytes.substr(0, body)))
    return std::string("replication slot file has wrong checksum");
  SlotStateFile s;
  s.restart_lsn = Lsn{get_be(bytes, 8, 8)};
  s.restart_tli = TimeLineId{static_cast<std::uint32_t>(get_be(bytes, 16, 4))};
  s.name = std::string(bytes.substr(kFixed, name_len));
  return s;
}

}  // namespace pmemu::replication
