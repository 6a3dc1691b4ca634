// UTF-8 checks for names a client sends (user, database): PostgreSQL's
// server encoding here is always UTF8, so such names must be valid UTF-8,
// and they are clipped to NAMEDATALEN-1 bytes without splitting a character.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/pg_error.h"

namespace pmemu::protocol {

inline constexpr std::size_t kMaxNameBytes = 63;  // NAMEDATALEN - 1

// Length of the longest valid UTF-8 prefix of `s` (s.size() if all valid).
// NUL bytes are invalid, as in PostgreSQL's pg_verifymbstr.
[[nodiscard]] std::size_t valid_utf8_prefix(std::string_view s);

// ERROR 22021 `invalid byte sequence for encoding "UTF8": 0x..` naming the
// bytes of the first bad sequence, or nullopt if `s` is valid.
[[nodiscard]] std::optional<PgError> check_utf8(std::string_view s);

// `s` cut to at most `max` bytes at a character boundary (s must be valid).
[[nodiscard]] std::string clip_utf8(std::string_view s, std::size_t max = kMaxNameBytes);

}  // namespace pmemu::protocol
