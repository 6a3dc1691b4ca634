#include <doctest.h>

#include "protocol/frontend.h"
#include "protocol/wire.h"

using namespace pmemu::protocol;
using namespace std::string_literals;

namespace {

std::string packet(std::uint32_t code, std::string_view body) {
  Buffer b;
  put_uint32(b, static_cast<std::uint32_t>(8 + body.size()));
  put_uint32(b, code);
  put_bytes(b, body);
  return b;
}

std::string startup(std::string_view pairs_with_final_nul) {
  return packet(kProtocolVersion30, pairs_with_final_nul);
}

PgError error_of(const StartupDecode& d) {
  REQUIRE(std::holds_alternative<PgError>(d.value));
  return std::get<PgError>(d.value);
}

std::string frame(char type, std::string_view body) {
  Buffer b(1, type);
  put_uint32(b, static_cast<std::uint32_t>(4 + body.size()));
  put_bytes(b, body);
  return b;
}

}  // namespace

TEST_CASE("startup message: parameters in order, database defaults to user") {
  std::string p = startup("user\0alice\0application_name\0psql\0\0"s);
  auto d = decode_startup_packet(p);
  CHECK(d.consumed == p.size());
  REQUIRE(std::holds_alternative<StartupMessage>(d.value));
  const auto& m = std::get<StartupMessage>(d.value);
  CHECK(m.major == 3);
  CHECK(m.minor == 0);
  REQUIRE(m.params.size() == 2);
  CHECK(m.params[0].first == "user");
  CHECK(m.params[1].second == "psql");
  CHECK(m.user() == "alice");
  CHECK(m.database() == "alice");
  CHECK_FALSE(m.param("database").has_value());
  CHECK_FALSE(m.needs_protocol_negotiation());
}

TEST_CASE("startup message: last duplicate wins; _pq_ options and minor versions need negotiation") {
  std::string body = "user\0a\0database\0db\0user\0b\0_pq_.x\0" "1\0\0"s;
  auto d = decode_startup_packet(packet((3u << 16) | 2u, body));
  REQUIRE(std::holds_alternative<StartupMessage>(d.value));
  const auto& m = std::get<StartupMessage>(d.value);
  CHECK(m.user() == "b");
  CHECK(m.database() == "db");
  CHECK(m.minor == 2);
  CHECK(m.unsupported_protocol_options == std::vector<std::string>{"_pq_.x"});
  CHECK(m.needs_protocol_negotiation());
}

TEST_CASE("startup packet needs the whole packet before deciding") {
  std::string p = startup("user\0alice\0\0"s);
  for (std::size_t n = 0; n < p.size(); ++n) {
    auto d = decode_startup_packet(std::string_view(p).substr(0, n));
    CHECK(std::holds_alternative<NeedMoreInput>(d.value));
    CHECK(d.consumed == 0);
  }
}

TEST_CASE("startup packet length limits") {
  Buffer tiny;
  put_uint32(tiny, 7);
  CHECK(error_of(decode_startup_packet(tiny)).message == "invalid length of startup packet");
  Buffer huge;
  put_uint32(huge, 10001);
  const auto& e = error_of(decode_startup_packet(huge));
  CHECK(e.message == "invalid length of startup packet");
  CHECK(e.sqlstate == "08P01");
  CHECK(e.severity == Severity::Fatal);
  Buffer max;
  put_uint32(max, 10000);
  CHECK(std::holds_alternative<NeedMoreInput>(decode_startup_packet(max).value));
}

TEST_CASE("startup packet layout errors") {
  CHECK(error_of(decode_startup_packet(startup("user\0alice\0"s))).message ==
        "invalid startup packet layout: expected terminator as last byte");
  CHECK(error_of(decode_startup_packet(startup("user\0alice"s))).message ==
        "invalid startup packet layout: expected terminator as last byte");
  CHECK(error_of(decode_startup_packet(startup("user\0"s))).message ==
        "invalid startup packet layout: expected terminator as last byte");
  CHECK(error_of(decode_startup_packet(startup(""))).message ==
        "invalid startup packet layout: expected terminator as last byte");
  const auto& nouser = error_of(decode_startup_packet(startup("database\0d\0\0"s)));
  CHECK(nouser.message == "no PostgreSQL user name specified in startup packet");
  CHECK(nouser.sqlstate == "28000");
  CHECK(error_of(decode_startup_packet(startup("user\0\0\0"s))).sqlstate == "28000");
}

TEST_CASE("unsupported protocol versions") {
  const auto& e = error_of(decode_startup_packet(packet(2u << 16, "user\0a\0\0"s)));
  CHECK(e.message == "unsupported frontend protocol 2.0: server supports 3.0 to 3.0");
  CHECK(e.sqlstate == "0A000");
  // A second SSLRequest after 'N' is just a strange version number.
  auto again = decode_startup_packet(packet(kSslRequestCode, ""), StartupState{true, false});
  CHECK(error_of(again).message == "unsupported frontend protocol 1234.5679: server supports 3.0 to 3.0");
}

TEST_CASE("SSL, GSSENC and cancel requests; consumed lets the next packet follow") {
  std::string stream = packet(kSslRequestCode, "") + startup("user\0u\0\0"s);
  auto d = decode_startup_packet(stream);
  CHECK(std::holds_alternative<SslRequest>(d.value));
  CHECK(d.consumed == 8);
  auto d2 = decode_startup_packet(std::string_view(stream).substr(d.consumed), StartupState{true, false});
  CHECK(std::holds_alternative<StartupMessage>(d2.value));

  CHECK(std::holds_alternative<GssEncRequest>(decode_startup_packet(packet(kGssEncRequestCode, "")).value));

  Buffer cancel_body;
  put_int32(cancel_body, 4321);
  put_uint32(cancel_body, 0xcafef00d);
  auto c = decode_startup_packet(packet(kCancelRequestCode, cancel_body));
  REQUIRE(std::holds_alternative<CancelRequest>(c.value));
  CHECK(std::get<CancelRequest>(c.value).pid == pmemu::Pid{4321});
  CHECK(std::get<CancelRequest>(c.value).key == 0xcafef00du);
  CHECK(error_of(decode_startup_packet(packet(kCancelRequestCode, "abcd"))).message ==
        "invalid length of startup packet");
}

TEST_CASE("replication parameter") {
  auto mode_of = [](std::string value) {
    auto d = decode_startup_packet(startup("user\0u\0replication\0"s + value + "\0\0"s));
    return replication_mode(std::get<StartupMessage>(d.value));
  };
  for (auto v : {"true", "on", "yes", "1", "TRUE", "On", "t", "y"})
    CHECK(std::get<ReplicationMode>(mode_of(v)) == ReplicationMode::Physical);
  for (auto v : {"false", "off", "no", "0", "f", "OFF"})
    CHECK(std::get<ReplicationMode>(mode_of(v)) == ReplicationMode::None);
  CHECK(std::get<ReplicationMode>(mode_of("database")) == ReplicationMode::Logical);
  auto bad = mode_of("o");
  REQUIRE(std::holds_alternative<PgError>(bad));
  CHECK(std::get<PgError>(bad).message == "invalid value for parameter \"replication\": \"o\"");
  CHECK(std::get<PgError>(bad).sqlstate == "22023");
  auto d = decode_startup_packet(startup("user\0u\0\0"s));
  CHECK(std::get<ReplicationMode>(replication_mode(std::get<StartupMessage>(d.value))) ==
        ReplicationMode::None);
}

TEST_CASE("parse_pg_bool follows PostgreSQL") {
  CHECK(parse_pg_bool("tru") == true);
  CHECK(parse_pg_bool("truex") == std::nullopt);
  CHECK(parse_pg_bool("of") == false);
  CHECK(parse_pg_bool("o") == std::nullopt);
  CHECK(parse_pg_bool("") == std::nullopt);
  CHECK(parse_pg_bool("10") == std::nullopt);
}

TEST_CASE("frame decoder: byte-at-a-time input yields whole messages") {
  std::string stream = frame('Q', "SELECT 1\0"s) + frame('X', "");
  FrameDecoder dec;
  std::vector<FrontendMessage> got;
  for (char c : stream) {
    dec.feed(std::string_view(&c, 1));
    for (;;) {
      auto r = dec.next();
      if (std::holds_alternative<NeedMoreInput>(r)) break;
      REQUIRE(std::holds_alternative<FrontendMessage>(r));
      got.push_back(std::get<FrontendMessage>(r));
    }
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].type == 'Q');
  CHECK(got[0].body == "SELECT 1\0"s);
  CHECK(got[1].type == 'X');
  CHECK(dec.buffered() == 0);
}

TEST_CASE("frame decoder: several messages in one read, partial tail stays buffered") {
  std::string stream = frame('S', "") + frame('Q', "a\0"s) + frame('Q', "bcd\0"s).substr(0, 4);
  FrameDecoder dec;
  dec.feed(stream);
  CHECK(std::get<FrontendMessage>(dec.next()).type == 'S');
  CHECK(std::get<FrontendMessage>(dec.next()).body == "a\0"s);
  CHECK(std::holds_alternative<NeedMoreInput>(dec.next()));
  CHECK(dec.buffered() == 4);
  dec.feed(frame('Q', "bcd\0"s).substr(4));
  CHECK(std::get<FrontendMessage>(dec.next()).body == "bcd\0"s);
}

TEST_CASE("frame decoder errors") {
  FrameDecoder bad_type;
  bad_type.feed("\x01");
  auto r = bad_type.next();
  REQUIRE(std::holds_alternative<PgError>(r));
  CHECK(std::get<PgError>(r).message == "invalid frontend message type 1");
  CHECK(std::get<PgError>(r).sqlstate == "08P01");

  FrameDecoder short_len;
  short_len.feed("Q\0\0\0\x03"s);
  CHECK(std::get<PgError>(short_len.next()).message == "invalid message length");

  FrameDecoder too_long;  // Sync is limited to 10000 bytes
  too_long.feed("S\0\0\x27\x11"s);
  CHECK(std::get<PgError>(too_long.next()).message == "invalid message length");

  FrameDecoder big_query;  // a 1 MB query is fine, it just is not complete yet
  big_query.feed("Q\0\x10\0\0"s);
  CHECK(std::holds_alternative<NeedMoreInput>(big_query.next()));
  FrameDecoder huge_query;
  huge_query.feed("Q\x40\0\0\0"s);
  CHECK(std::holds_alternative<PgError>(huge_query.next()));
  CHECK(max_message_length('d') == 0x3fffffffu);
  CHECK(max_message_length('p') == 65535u);
  CHECK_FALSE(max_message_length('Z').has_value());
}

TEST_CASE("message bodies") {
  auto q = parse_frontend_message({'Q', "SELECT 1;\0"s});
  REQUIRE(std::holds_alternative<FrontendCommand>(q));
  CHECK(std::get<Query>(std::get<FrontendCommand>(q)).sql == "SELECT 1;");

  auto unterminated = parse_frontend_message({'Q', "SELECT 1"});
  CHECK(std::get<PgError>(unterminated).message == "invalid string in message");
  auto trailing = parse_frontend_message({'Q', "a\0b"s});
  CHECK(std::get<PgError>(trailing).message == "invalid message format");

  auto cmd = [](char t, std::string body) { return std::get<FrontendCommand>(parse_frontend_message({t, body})); };
  CHECK(std::holds_alternative<Terminate>(cmd('X', "")));
  CHECK(std::get<CopyData>(cmd('d', "r\0\1"s)).data == "r\0\1"s);
  CHECK(std::holds_alternative<CopyDone>(cmd('c', "")));
  CHECK(std::get<CopyFail>(cmd('f', "oops\0"s)).message == "oops");
  CHECK(std::holds_alternative<Sync>(cmd('S', "")));
  CHECK(std::holds_alternative<Flush>(cmd('H', "")));
  CHECK(std::get<PasswordMessage>(cmd('p', "pw\0"s)).data == "pw\0"s);
  for (char t : {'P', 'B', 'E', 'D', 'C', 'F'})
    CHECK(std::get<ExtendedQuery>(cmd(t, "whatever")).type == t);
  CHECK(PgError::extended_query_not_supported().message == "extended query protocol is not supported");
  CHECK(PgError::extended_query_not_supported().sqlstate == "0A000");
}

TEST_CASE("password and SASL bodies") {
  CHECK(std::get<std::string>(parse_password("secret\0"s)) == "secret");
  CHECK(std::get<PgError>(parse_password("secret")).message == "invalid password packet size");
  CHECK(std::get<PgError>(parse_password("se\0cret\0"s)).message == "invalid password packet size");

  Buffer b;
  put_cstring(b, "SCRAM-SHA-256");
  put_int32(b, 5);
  put_bytes(b, "n,,n=");
  auto s = std::get<SaslInitialResponse>(parse_sasl_initial_response(b));
  CHECK(s.mechanism == "SCRAM-SHA-256");
  CHECK(s.data == "n,,n=");
  Buffer none;
  put_cstring(none, "SCRAM-SHA-256");
  put_int32(none, -1);
  CHECK_FALSE(std::get<SaslInitialResponse>(parse_sasl_initial_response(none)).data.has_value());
  CHECK(std::holds_alternative<PgError>(parse_sasl_initial_response(b.substr(0, b.size() - 1))));
  CHECK(std::holds_alternative<PgError>(parse_sasl_initial_response(b + "x")));
}
