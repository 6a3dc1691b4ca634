// The few primitives the password mechanisms need, each a thin wrapper over
// OpenSSL libcrypto (never a hand-written algorithm). Byte strings travel as
// std::string holding raw bytes. A libcrypto call that fails for any reason
// other than bad input (out of memory, a provider missing SHA-256) is a
// broken invariant and aborts.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pmemu::auth {

[[nodiscard]] std::string sha256(std::string_view data);
[[nodiscard]] std::string hmac_sha256(std::string_view key, std::string_view data);
[[nodiscard]] std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations);
// Lower-case hex of md5(data).
[[nodiscard]] std::string md5_hex(std::string_view data);
// `n` bytes from the CSPRNG, or nullopt if it could not deliver.
[[nodiscard]] std::optional<std::string> random_bytes(std::size_t n);
// Timing-safe: the time taken depends only on the lengths.
[[nodiscard]] bool equal_secret(std::string_view a, std::string_view b);

// Standard base64 with padding (RFC 4648 section 4), no line breaks.
[[nodiscard]] std::string base64_encode(std::string_view bytes);
// nullopt for anything that is not canonical padded base64.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace pmemu::auth
