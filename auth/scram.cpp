#include "auth/scram.h"

#include <charconv>

#include "auth/crypto.h"

namespace pmemu::auth {
namespace {

constexpr std::string_view kPrefix = "SCRAM-SHA-256$";

// Splits "<a><sep><b>" at the first `sep`; nullopt without one.
std::optional<std::pair<std::string_view, std::string_view>> split(std::string_view s, char sep) {
  auto pos = s.find(sep);
  if (pos == std::string_view::npos) return std::nullopt;
  return std::pair{s.substr(0, pos), s.substr(pos + 1)};
}

ScramExchange::Step malformed(std::string detail) {
  ScramExchange::Step s;
  s.detail = std::move(detail);
  return s;
}

// "x=value" at the front of `rest` (up to the next ',' or the end); the
// value, with `rest` advanced past the ',' that followed it.
std::optional<std::string_view> take_attr(std::string_view& rest, char name) {
  if (rest.size() < 2 || rest[0] != name || rest[1] != '=') return std::nullopt;
  auto end = rest.find(',');
  std::string_view value = rest.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return value;
}

bool printable_nonce(std::string_view n) {
  if (n.empty()) return false;
  for (char c : n) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

}  // namespace

std::optional<ScramSecret> parse_scram_secret(std::string_view v) {
  if (v.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  auto iter_rest = split(v.substr(kPrefix.size()), ':');
  if (!iter_rest) return std::nullopt;
  auto salt_keys = split(iter_rest->second, '$');
  if (!salt_keys) return std::nullopt;
  auto keys = split(salt_keys->second, ':');
  if (!keys) return std::nullopt;
  ScramSecret s;
  auto [p, ec] = std::from_chars(iter_rest->first.data(), iter_rest->first.data() + iter_rest->first.size(), s.iterations);
  if (ec != std::errc() || p != iter_rest->first.data() + iter_rest->first.size() || s.iterations < 1)
    return std::nullopt;
  auto salt = base64_decode(salt_keys->first);
  auto stored = base64_decode(keys->first);
  auto server = base64_decode(keys->second);
  if (!salt || salt->empty() || !stored || !server || stored->size() != 32 || server->size() != 32)
    return std::nullopt;
  s.salt = std::move(*salt);
  s.stored_key = std::move(*stored);
  s.server_key = std::move(*server);
  return s;
}

std::string format_scram_secret(const ScramSecret& s) {
  return std::string(kPrefix) + std::to_string(s.iterations) + ":" + base64_encode(s.salt) + "$" +
         base64_encode(s.stored_key) + ":" + base64_encode(s.server_key);
}

ScramSecret make_scram_secret(std::string_view password, std::string_view salt, int iterations) {
  std::string salted = pbkdf2_sha256(password, salt, iterations);
  ScramSecret s;
  s.iterations = iterations;
  s.salt = std::string(salt);
  s.stored_key = sha256(hmac_sha256(salted, "Client Key"));
  s.server_key = hmac_sha256(salted, "Server Key");
  return s;
}

std::optional<std::string> scram_verifier(std::string_view password) {
  auto salt = random_bytes(kScramSaltLength);
  if (!salt) return std::nullopt;
  return format_scram_secret(make_scram_secret(password, *salt));
}

bool scram_check_plain(const ScramSecret& secret, std::string_view password) {
  ScramSecret computed = make_scram_secret(password, secret.salt, secret.iterations);
  // Both keys, as PostgreSQL compares them.
  return equal_secret(computed.stored_key, secret.stored_key) & equal_secret(computed.server_key, secret.server_key);
}

ScramSecret mock_scram_secret(std::string_view user, std::string_view seed) {
  ScramSecret s;
  s.salt = sha256(std::string(user) + std::string(seed)).substr(0, kScramSaltLength);
  // Keys no client proof can match: the exchange is doomed anyway.
  s.stored_key = sha256(s.salt);
  s.server_key = s.stored_key;
  return s;
}

ScramExchange::ScramExchange(ScramSecret secret, bool doomed, std::string server_nonce_b64)
    : secret_(std::move(secret)), doomed_(doomed), server_nonce_(std::move(server_nonce_b64)) {}

ScramExchange::Step ScramExchange::client_first(std::string_view msg) {
  if (msg.empty()) return malformed("The message is empty.");
  std::string_view rest = msg;
  switch (rest[0]) {
    case 'n':
    case 'y':
      rest.remove_prefix(1);
      break;
    case 'p':
      return malformed(
          "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel "
          "binding data.");
    default:
      return malformed("Unexpected channel-binding flag \"" + std::string(1, rest[0]) + "\".");
  }
  if (rest.empty() || rest[0] != ',') return malformed("Comma expected.");
  rest.remove_prefix(1);
  if (!rest.empty() && rest[0] == 'a') {
    Step s = malformed("");
    s.message = "client uses authorization identity, but it is not supported";
    s.unsupported = true;
    return s;
  }
  if (rest.empty() || rest[0] != ',') return malformed("Unexpected attribute in client-first-message.");
  rest.remove_prefix(1);
  gs2_header_ = std::string(msg.substr(0, msg.size() - rest.size()));
  client_first_bare_ = std::string(rest);
  if (!take_attr(rest, 'n')) return malformed("Expected attribute \"n\".");
  if (!rest.empty() && rest[0] == 'm') {
    Step s = malformed("");
    s.message = "client requires an unsupported SCRAM extension";
    s.unsupported = true;
    return s;
  }
  auto nonce = take_attr(rest, 'r');
  if (!nonce) return malformed("Expected attribute \"r\".");
  if (!printable_nonce(*nonce)) return malformed("The nonce is not printable.");
  client_nonce_ = std::string(*nonce);
  server_first_ = "r=" + client_nonce_ + server_nonce_ + ",s=" + base64_encode(secret_.salt) +
                  ",i=" + std::to_string(secret_.iterations);
  return Step{Status::Continue, server_first_, {}};
}

ScramExchange::Step ScramExchange::client_final(std::string_view msg) {
  auto proof_at = msg.rfind(",p=");
  if (proof_at == std::string_view::npos) return malformed("Could not find proof in client-final-message.");
  std::string_view without_proof = msg.substr(0, proof_at);
  std::string_view rest = without_proof;
  auto cbind = take_attr(rest, 'c');
  if (!cbind) return malformed("Expected attribute \"c\".");
  auto cbind_raw = base64_decode(*cbind);
  if (!cbind_raw || *cbind_raw != gs2_header_) {
    Step s = malformed("");
    s.message = "unexpected SCRAM channel-binding attribute in client-final-message";
    return s;
  }
  auto nonce = take_attr(rest, 'r');
  if (!nonce) return malformed("Expected attribute \"r\".");
  if (*nonce != client_nonce_ + server_nonce_) return malformed("Nonce does not match.");
  auto proof = base64_decode(msg.substr(proof_at + 3));
  if (!proof || proof->size() != secret_.stored_key.size())
    return malformed("Malformed proof in client-final-message.");

  const std::string auth_message = client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
  std::string client_key = hmac_sha256(secret_.stored_key, auth_message);  // ClientSignature
  for (std::size_t i = 0; i < client_key.size(); ++i) client_key[i] = static_cast<char>(client_key[i] ^ (*proof)[i]);
  if (!equal_secret(sha256(client_key), secret_.stored_key) || doomed_) return Step{Status::Failure, {}, {}};
  return Step{Status::Success, "v=" + base64_encode(hmac_sha256(secret_.server_key, auth_message)), {}};
}

}  // namespace pmemu::auth
