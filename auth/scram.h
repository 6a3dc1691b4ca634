// SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL 15 speaks it: the stored
// secret ("verifier") and the server side of the SASL exchange. Pure logic:
// no sockets, no logging; the backend (backend/authenticate.cpp) moves the
// messages and turns the results into client errors and log lines.
//
// Channel binding is never offered (we never run TLS): a client may send the
// gs2 header "n,," or "y,,"; "p=..." is refused as PostgreSQL refuses it on a
// connection without TLS. Passwords are used as their bytes: PostgreSQL
// applies SASLprep first, which leaves every ASCII password unchanged but may
// normalise non-ASCII ones, so a non-ASCII password set by PostgreSQL may not
// match here (docs/roles.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pmemu::auth {

inline constexpr std::string_view kScramMechanism = "SCRAM-SHA-256";
inline constexpr int kScramIterations = 4096;      // PostgreSQL's scram_iterations default
inline constexpr std::size_t kScramSaltLength = 16;  // bytes, as PostgreSQL
inline constexpr std::size_t kScramNonceLength = 18; // raw server nonce bytes, as PostgreSQL

// A parsed "SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>" (raw bytes).
struct ScramSecret {
  int iterations = kScramIterations;
  std::string salt;
  std::string stored_key;
  std::string server_key;
};

[[nodiscard]] std::optional<ScramSecret> parse_scram_secret(std::string_view verifier);
[[nodiscard]] std::string format_scram_secret(const ScramSecret& secret);
// The secret for `password` with the given salt (tests) or a random one
// (nullopt if the CSPRNG fails).
[[nodiscard]] ScramSecret make_scram_secret(std::string_view password, std::string_view salt,
                                            int iterations = kScramIterations);
[[nodiscard]] std::optional<std::string> scram_verifier(std::string_view password);
// A cleartext password (hba method `password`) against a stored secret.
[[nodiscard]] bool scram_check_plain(const ScramSecret& secret, std::string_view password);
// The secret a mock exchange uses for a user that has none: a salt derived
// from the user name and a per-cluster `seed`, so repeated attempts for the
// same name see the same salt and an attacker cannot tell the user is missing.
[[nodiscard]] ScramSecret mock_scram_secret(std::string_view user, std::string_view seed);

// One server-side exchange. Construct with the role's secret (or a mock one
// and doomed=true: the exchange runs to the end and then fails), call
// client_first() then client_final() with the clients' messages.
class ScramExchange {
 public:
  ScramExchange(ScramSecret secret, bool doomed, std::string server_nonce_b64);

  enum class Status { Continue, Success, Failure, Malformed };
  struct Step {
    Status status = Status::Malformed;
    std::string data;    // Continue: server-first; Success: server-final
    std::string detail;  // Malformed: what was wrong (PostgreSQL's detail text)
    std::string message = "malformed SCRAM message";  // Malformed: the error message
    bool unsupported = false;  // Malformed: 0A000 rather than 08P01
  };
  [[nodiscard]] Step client_first(std::string_view message);
  [[nodiscard]] Step client_final(std::string_view message);

 private:
  ScramSecret secret_;
  bool doomed_;
  std::string server_nonce_;
  std::string client_first_bare_;
  std::string server_first_;
  std::string gs2_header_;
  std::string client_nonce_;
};

}  // namespace pmemu::auth
