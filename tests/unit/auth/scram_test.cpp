#include <doctest.h>

#include "auth/crypto.h"
#include "auth/scram.h"
#include "auth/verifier.h"

using namespace pmemu::auth;

namespace {
// RFC 7677 section 3: user "user", password "pencil".
constexpr std::string_view kSaltB64 = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramSecret rfc_secret(std::string_view password = "pencil") {
  return make_scram_secret(password, *base64_decode(kSaltB64), 4096);
}
}  // namespace

TEST_CASE("scram: the RFC 7677 exchange succeeds with the RFC's server-final") {
  ScramExchange ex(rfc_secret(), false, std::string(kServerNonce));
  auto first = ex.client_first(kClientFirst);
  REQUIRE(first.status == ScramExchange::Status::Continue);
  CHECK(first.data == kServerFirst);
  auto fin = ex.client_final(kClientFinal);
  REQUIRE(fin.status == ScramExchange::Status::Success);
  CHECK(fin.data == kServerFinal);
}

TEST_CASE("scram: a wrong password, or a doomed (mock) exchange, fails at the proof") {
  ScramExchange wrong(rfc_secret("pencil2"), false, std::string(kServerNonce));
  REQUIRE(wrong.client_first(kClientFirst).status == ScramExchange::Status::Continue);
  CHECK(wrong.client_final(kClientFinal).status == ScramExchange::Status::Failure);

  ScramExchange doomed(rfc_secret(), true, std::string(kServerNonce));
  REQUIRE(doomed.client_first(kClientFirst).status == ScramExchange::Status::Continue);
  CHECK(doomed.client_final(kClientFinal).status == ScramExchange::Status::Failure);
}

TEST_CASE("scram: a mock secret's salt depends only on the user and the seed") {
  CHECK(mock_scram_secret("ghost", "seed").salt == mock_scram_secret("ghost", "seed").salt);
  CHECK(mock_scram_secret("ghost", "seed").salt != mock_scram_secret("ghost2", "seed").salt);
  CHECK(mock_scram_secret("ghost", "seed").salt.size() == kScramSaltLength);
}

TEST_CASE("scram: gs2 headers and malformed messages") {
  auto first = [](std::string_view msg) {
    ScramExchange ex(rfc_secret(), false, "srv");
    return ex.client_first(msg);
  };
  CHECK(first("y,,n=,r=abc").status == ScramExchange::Status::Continue);
  auto p = first("p=tls-server-end-point,,n=,r=abc");
  CHECK(p.status == ScramExchange::Status::Malformed);
  CHECK(p.message == "malformed SCRAM message");
  CHECK(p.detail.find("includes channel binding data") != std::string::npos);
  auto a = first("n,a=someone,n=,r=abc");
  CHECK(a.status == ScramExchange::Status::Malformed);
  CHECK(a.unsupported);
  CHECK(first("n,,n=,m=ext,r=abc").unsupported);
  CHECK(first("").status == ScramExchange::Status::Malformed);
  CHECK(first("n,,n=,r=").status == ScramExchange::Status::Malformed);

  // The final message must repeat our nonce and the gs2 header it sent.
  ScramExchange ex(rfc_secret(), false, std::string(kServerNonce));
  REQUIRE(ex.client_first(kClientFirst).status == ScramExchange::Status::Continue);
  auto bad_cb = ex.client_final(
      "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  CHECK(bad_cb.status == ScramExchange::Status::Malformed);
  CHECK(ex.client_final("c=biws,r=other,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=").detail ==
        "Nonce does not match.");
  CHECK(ex.client_final("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA").detail ==
        "Malformed proof in client-final-message.");
}

TEST_CASE("scram: verifier text round-trips and checks a cleartext password") {
  auto text = format_scram_secret(rfc_secret());
  CHECK(text.rfind("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", 0) == 0);
  auto back = parse_scram_secret(text);
  REQUIRE(back);
  CHECK(back->stored_key == rfc_secret().stored_key);
  CHECK(scram_check_plain(*back, "pencil"));
  CHECK_FALSE(scram_check_plain(*back, "pencil "));
  CHECK_FALSE(parse_scram_secret("SCRAM-SHA-256$x:abc$def:ghi"));
  CHECK_FALSE(parse_scram_secret("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$c3RvcmVk:c2VydmVy"));  // short keys

  auto random = scram_verifier("pencil");
  REQUIRE(random);
  CHECK(random->find("pencil") == std::string::npos);
  CHECK(check_plain_password(*random, "user", "pencil"));
  CHECK(*random != *scram_verifier("pencil"));  // a fresh salt each time
}

TEST_CASE("verifier: encrypt_password follows password_encryption and keeps verifiers as given") {
  auto scram = encrypt_password("scram-sha-256", "alice", "secret");
  REQUIRE(scram);
  CHECK(verifier_kind(*scram) == VerifierKind::Scram);
  auto md5 = encrypt_password("md5", "alice", "secret");
  REQUIRE(md5);
  CHECK(verifier_kind(*md5) == VerifierKind::Md5);
  CHECK(*encrypt_password("md5", "alice", *scram) == *scram);
  CHECK(*encrypt_password("scram-sha-256", "alice", *md5) == *md5);
  CHECK(verifier_kind("") == VerifierKind::None);
  CHECK(verifier_kind("plain text") == VerifierKind::None);
  CHECK_FALSE(check_plain_password("", "alice", ""));
}

TEST_CASE("crypto: base64 refuses what is not canonical") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("n,,") == "biws");
  CHECK(*base64_decode("eSws") == "y,,");
  CHECK(*base64_decode("YQ==") == "a");
  CHECK_FALSE(base64_decode("YQ="));
  CHECK_FALSE(base64_decode("Y!==").has_value());
}
