#include "protocol/utf8.h"

#include <cstdio>

namespace pmemu::protocol {
namespace {

// Bytes in the sequence led by `b`, or 0 if `b` cannot lead one.
std::size_t sequence_length(unsigned char b) {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

bool sequence_valid(std::string_view s, std::size_t i, std::size_t len) {
  if (i + len > s.size()) return false;
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (len == 1) return at(0) != 0;
  for (std::size_t k = 1; k < len; ++k)
    if ((at(k) & 0xc0) != 0x80) return false;
  // Overlong forms, surrogates and code points past U+10FFFF.
  if (at(0) == 0xe0 && at(1) < 0xa0) return false;
  if (at(0) == 0xed && at(1) > 0x9f) return false;
  if (at(0) == 0xf0 && at(1) < 0x90) return false;
  if (at(0) == 0xf4 && at(1) > 0x8f) return false;
  return true;
}

}  // namespace

std::size_t valid_utf8_prefix(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t len = sequence_length(static_cast<unsigned char>(s[i]));
    if (len == 0 || !sequence_valid(s, i, len)) return i;
    i += len;
  }
  return i;
}

std::optional<PgError> check_utf8(std::string_view s) {
  std::size_t bad = valid_utf8_prefix(s);
  if (bad == s.size()) return std::nullopt;
  std::size_t len = sequence_length(static_cast<unsigned char>(s[bad]));
  if (len == 0) len = 1;
  std::string bytes;
  for (std::size_t k = bad; k < s.size() && k < bad + len; ++k) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "%s0x%02x", bytes.empty() ? "" : " ", static_cast<unsigned char>(s[k]));
    bytes += hex;
  }
  return PgError::error(sqlstate::kCharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\": " + bytes);
}

std::string clip_utf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

}  // namespace pmemu::protocol
