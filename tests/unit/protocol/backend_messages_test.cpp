#include <doctest.h>

#include "protocol/backend_messages.h"

using namespace pmemu::protocol;
using namespace std::string_literals;

namespace {
// Splits one framed message: checks the length word and returns the body.
std::string body_of(const Buffer& b, char type) {
  REQUIRE(b.size() >= 5);
  CHECK(b[0] == type);
  WireReader r(std::string_view(b).substr(1, 4));
  CHECK(static_cast<std::size_t>(*r.int32()) == b.size() - 1);
  return b.substr(5);
}
}  // namespace

TEST_CASE("authentication requests") {
  Buffer b;
  auth_ok(b);
  CHECK(b == "R\0\0\0\x08\0\0\0\0"s);
  b.clear();
  auth_cleartext_password(b);
  CHECK(b == "R\0\0\0\x08\0\0\0\x03"s);
  b.clear();
  const std::uint8_t salt[4] = {1, 2, 3, 0xff};
  auth_md5_password(b, salt);
  CHECK(b == "R\0\0\0\x0c\0\0\0\x05\x01\x02\x03\xff"s);
  b.clear();
  auth_sasl(b, {"SCRAM-SHA-256"});
  CHECK(body_of(b, 'R') == "\0\0\0\x0aSCRAM-SHA-256\0\0"s);  // length 23 as PostgreSQL's
  CHECK(b.size() == 1 + 23);
  b.clear();
  auth_sasl_continue(b, "r=abc");
  CHECK(body_of(b, 'R') == "\0\0\0\x0br=abc"s);
  b.clear();
  auth_sasl_final(b, "v=xyz");
  CHECK(body_of(b, 'R') == "\0\0\0\x0cv=xyz"s);
}

TEST_CASE("session start messages") {
  Buffer b;
  parameter_status(b, "server_version", "15.1");
  CHECK(body_of(b, 'S') == "server_version\0" "15.1\0"s);
  b.clear();
  backend_key_data(b, pmemu::Pid{1234}, 0xdeadbeef);
  CHECK(b == "K\0\0\0\x0c\0\0\x04\xd2\xde\xad\xbe\xef"s);
  b.clear();
  ready_for_query(b, TransactionStatus::Idle);
  CHECK(b == "Z\0\0\0\x05I"s);
}

TEST_CASE("row description and data row") {
  Buffer b;
  row_description(b, {{"k", kTextType}, {"n", kInt4Type}});
  std::string body = body_of(b, 'T');
  WireReader r(body);
  CHECK(r.int16() == 2);
  CHECK(r.cstring() == "k");
  CHECK(r.uint32() == 0u);
  CHECK(r.int16() == 0);
  CHECK(r.uint32() == 25u);
  CHECK(r.int16() == -1);
  CHECK(r.int32() == -1);
  CHECK(r.int16() == 0);
  CHECK(r.cstring() == "n");
  CHECK(r.bytes(6).has_value());
  CHECK(r.uint32() == 23u);
  CHECK(r.int16() == 4);
  CHECK(r.bytes(6).has_value());
  CHECK(r.at_end());

  b.clear();
  data_row(b, {std::string("ab"), std::nullopt, std::string("")});
  CHECK(body_of(b, 'D') == "\0\x03\0\0\0\x02" "ab\xff\xff\xff\xff\0\0\0\0"s);
}

TEST_CASE("command complete, empty query, copy messages") {
  Buffer b;
  command_complete(b, "INSERT 0 1");
  CHECK(body_of(b, 'C') == "INSERT 0 1\0"s);
  b.clear();
  empty_query_response(b);
  CHECK(b == "I\0\0\0\x04"s);
  b.clear();
  copy_both_response(b);
  CHECK(b == "W\0\0\0\x07\0\0\0"s);  // length 7, as PostgreSQL sends it
  b.clear();
  copy_out_response(b, 2);
  CHECK(b == "H\0\0\0\x0b\0\0\x02\0\0\0\0"s);
  b.clear();
  copy_data(b, "w123");
  CHECK(b == "d\0\0\0\x08w123"s);
  b.clear();
  copy_done(b);
  CHECK(b == "c\0\0\0\x04"s);
}

TEST_CASE("error response carries S V C M and D H only when set") {
  Buffer b;
  error_response(b, PgError::syntax_error_at("FOO"));
  CHECK(body_of(b, 'E') ==
        "SERROR\0VERROR\0C42601\0Msyntax error at or near \"FOO\"\0\0"s);
  b.clear();
  notice_response(b, PgError::not_yet_accepting().with_hint("h"));
  CHECK(body_of(b, 'N') ==
        "SFATAL\0VFATAL\0C57P03\0Mthe database system is not yet accepting connections\0"
        "DConsistent recovery state has not been yet reached.\0Hh\0\0"s);
}

TEST_CASE("negotiate protocol version") {
  Buffer b;
  negotiate_protocol_version(b, 0, {"_pq_.foo"});
  CHECK(body_of(b, 'v') == "\0\x03\0\0\0\0\0\x01_pq_.foo\0"s);
}

TEST_CASE("PgError named constructors use PostgreSQL's texts") {
  CHECK(PgError::undefined_table("x").message == "relation \"x\" does not exist");
  CHECK(PgError::undefined_table("x").sqlstate == "42P01");
  CHECK(PgError::too_many_wal_senders(2).message ==
        "number of requested standby connections exceeds max_wal_senders (currently 2)");
  CHECK(PgError::password_failed("bob").message == "password authentication failed for user \"bob\"");
  CHECK(PgError::password_failed("bob").severity == Severity::Fatal);
  CHECK(PgError::no_hba_entry("127.0.0.1", "u", "d", false).message ==
        "no pg_hba.conf entry for host \"127.0.0.1\", user \"u\", database \"d\", no encryption");
  CHECK(PgError::no_hba_entry("[local]", "u", "d", true).message ==
        "no pg_hba.conf entry for replication connection from host \"[local]\", user \"u\", no encryption");
  CHECK(PgError::crash_shutdown().severity == Severity::Warning);
  CHECK(PgError::crash_shutdown().sqlstate == "57P02");
  CHECK(PgError::admin_shutdown().message == "terminating connection due to administrator command");
  CHECK(PgError::unique_violation("a").detail == "Key (k)=(a) already exists.");
}
