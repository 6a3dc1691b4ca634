// Turning a password into what the role catalogue stores, per
// password_encryption, and checking a cleartext password against either kind.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pmemu::auth {

enum class VerifierKind { None, Md5, Scram };

// Empty -> None; a parseable SCRAM secret -> Scram; md5 + 32 hex -> Md5;
// anything else (never written by pmemu) -> None, so no login can match it.
[[nodiscard]] VerifierKind verifier_kind(std::string_view verifier);

// What to store for `password` given password_encryption ("md5" or
// "scram-sha-256"). A password that already is a verifier is stored as is,
// as PostgreSQL does. nullopt only if the CSPRNG fails.
[[nodiscard]] std::optional<std::string> encrypt_password(std::string_view password_encryption,
                                                          std::string_view user, std::string_view password);

// A cleartext password against the stored verifier (false when there is none).
[[nodiscard]] bool check_plain_password(std::string_view verifier, std::string_view user, std::string_view password);

}  // namespace pmemu::auth
