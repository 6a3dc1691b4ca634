// PostgreSQL's md5 password scheme: the stored verifier is
// "md5" + hex(md5(password || user)); the md5 method's challenge sends a
// 4-byte salt and expects "md5" + hex(md5(hex(md5(password || user)) || salt)).
// Pure functions; comparisons are timing-safe.
#pragma once

#include <string>
#include <string_view>

namespace pmemu::auth {

inline constexpr std::size_t kMd5VerifierLength = 35;  // "md5" + 32 hex digits

[[nodiscard]] std::string md5_verifier(std::string_view password, std::string_view user);
// "md5" followed by 32 lower-case hex digits.
[[nodiscard]] bool is_md5_verifier(std::string_view verifier);
// The client's response to a challenge with `salt`, checked against the verifier.
[[nodiscard]] bool md5_check_response(std::string_view verifier, std::string_view salt, std::string_view response);
// What a client computes (tests, and the md5 answer a test client sends).
[[nodiscard]] std::string md5_response(std::string_view password, std::string_view user, std::string_view salt);
// A cleartext password (hba method `password`) against the verifier.
[[nodiscard]] bool md5_check_plain(std::string_view verifier, std::string_view user, std::string_view password);

}  // namespace pmemu::auth
