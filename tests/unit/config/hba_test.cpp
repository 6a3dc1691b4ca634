#include <doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "config/hba.h"
#include "tests/unit/config/temp_dir.h"

using namespace pmemu::config;
using pmemu::config::test::TempDir;

namespace {

HbaFile parse_ok(std::string_view text) {
  auto r = HbaFile::parse(text, "pg_hba.conf");
  if (auto* e = std::get_if<HbaError>(&r)) FAIL(e->message, " (", e->context, ")");
  return std::get<HbaFile>(r);
}

HbaError parse_err(std::string_view text) {
  auto r = HbaFile::parse(text, "/d/pg_hba.conf");
  REQUIRE(std::holds_alternative<HbaError>(r));
  return std::get<HbaError>(r);
}

HbaRequest tcp(const char* ip, std::string user = "u", std::string db = "d", bool repl = false) {
  HbaRequest r;
  r.user = std::move(user);
  r.database = std::move(db);
  r.replication = repl;
  if (inet_pton(AF_INET, ip, &reinterpret_cast<sockaddr_in*>(&r.remote)->sin_addr) == 1) {
    r.remote.ss_family = AF_INET;
  } else {
    REQUIRE(inet_pton(AF_INET6, ip, &reinterpret_cast<sockaddr_in6*>(&r.remote)->sin6_addr) == 1);
    r.remote.ss_family = AF_INET6;
  }
  return r;
}

HbaRequest unix_sock(std::string user = "u", std::string db = "d", bool repl = false) {
  HbaRequest r;
  r.local = true;
  r.user = std::move(user);
  r.database = std::move(db);
  r.replication = repl;
  return r;
}

std::optional<AuthMethod> method(const HbaFile& f, const HbaRequest& r) {
  const HbaLine* l = f.match(r);
  if (!l) return std::nullopt;
  return l->method;
}

}  // namespace

TEST_CASE("local lines match only Unix sockets, host lines only TCP") {
  HbaFile f = parse_ok(
      "local all all trust\n"
      "host  all all 127.0.0.1/32 md5\n");
  CHECK(method(f, unix_sock()) == AuthMethod::Trust);
  CHECK(method(f, tcp("127.0.0.1")) == AuthMethod::Md5);
  CHECK_FALSE(method(f, tcp("127.0.0.2")));
  CHECK_FALSE(method(f, tcp("::1")));
}

TEST_CASE("IPv4 and IPv6 masks") {
  HbaFile f = parse_ok(
      "host all all 10.1.0.0/16 password\n"
      "host all all 192.168.1.0 255.255.255.0 scram-sha-256\n"
      "host all all fe80::/10 md5\n"
      "host all all ::1/128 trust\n"
      "host all all 0.0.0.0/0 reject\n");
  CHECK(method(f, tcp("10.1.200.3")) == AuthMethod::Password);
  CHECK(method(f, tcp("10.2.0.1")) == AuthMethod::Reject);
  CHECK(method(f, tcp("192.168.1.77")) == AuthMethod::ScramSha256);
  CHECK(method(f, tcp("192.168.2.77")) == AuthMethod::Reject);
  CHECK(method(f, tcp("fe80::1234")) == AuthMethod::Md5);
  CHECK(method(f, tcp("::1")) == AuthMethod::Trust);
  CHECK_FALSE(method(f, tcp("2001:db8::1")));
  CHECK(f.match(tcp("10.1.0.9"))->line_number == 1);
}

TEST_CASE("replication connections match only the replication keyword") {
  HbaFile f = parse_ok(
      "host all         all 127.0.0.1/32 trust\n"
      "host replication rep 127.0.0.1/32 md5\n");
  CHECK(method(f, tcp("127.0.0.1", "rep", "replication", true)) == AuthMethod::Md5);
  CHECK_FALSE(method(f, tcp("127.0.0.1", "other", "replication", true)));
  // A normal session to a database named "replication" is not matched by the keyword.
  HbaFile g = parse_ok("host replication all 127.0.0.1/32 trust\n");
  CHECK_FALSE(method(g, tcp("127.0.0.1", "u", "replication", false)));
  // Quoted, it is a database name.
  HbaFile h = parse_ok("host \"replication\" all 127.0.0.1/32 trust\n");
  CHECK(method(h, tcp("127.0.0.1", "u", "replication", false)) == AuthMethod::Trust);
}

TEST_CASE("database and user lists, sameuser, first match wins") {
  HbaFile f = parse_ok(
      "# comment line\n"
      "local sameuser all trust   # trailing comment\n"
      "local db1, db2 alice,bob password\n"
      "local all \"all\" md5\n"
      "local all all reject\n");
  CHECK(method(f, unix_sock("carol", "carol")) == AuthMethod::Trust);
  CHECK(method(f, unix_sock("bob", "db2")) == AuthMethod::Password);
  CHECK(method(f, unix_sock("alice", "db1")) == AuthMethod::Password);
  CHECK(method(f, unix_sock("all", "x")) == AuthMethod::Md5);
  CHECK(method(f, unix_sock("carol", "db1")) == AuthMethod::Reject);
}

TEST_CASE("hostssl and hostgssenc never match; hostnossl does") {
  HbaFile f = parse_ok(
      "hostssl all all all trust\n"
      "hostgssenc all all all trust\n"
      "hostnossl all all all md5\n");
  CHECK(method(f, tcp("10.0.0.1")) == AuthMethod::Md5);
  CHECK_FALSE(method(f, unix_sock()));
}

TEST_CASE("samehost matches the loopback address") {
  HbaFile f = parse_ok("host all all samehost trust\n");
  CHECK(method(f, tcp("127.0.0.1")) == AuthMethod::Trust);
  CHECK_FALSE(method(f, tcp("203.0.113.9")));
}

TEST_CASE("parse errors name the problem and the line") {
  HbaError e = parse_err("local all all trust\nhost all all 127.0.0.1/32 ident\n");
  CHECK(e.message == "authentication method \"ident\" is not supported");
  CHECK(e.context == "line 2 of configuration file \"/d/pg_hba.conf\"");
  CHECK(parse_err("host all all 127.0.0.1/32 magic\n").message == "invalid authentication method \"magic\"");
  CHECK(parse_err("hots all all 127.0.0.1/32 trust\n").message == "invalid connection type \"hots\"");
}

TEST_CASE("a comma list where one value belongs is an error naming the line, not its first word") {
  HbaError e = parse_err("local all all trust\nlocal all all trust,reject\n");
  CHECK(e.message == "multiple values specified for authentication type");
  CHECK(e.context == "line 2 of configuration file \"/d/pg_hba.conf\"");
  CHECK(parse_err("host all all 127.0.0.1/32 reject,trust\n").message ==
        "multiple values specified for authentication type");
  CHECK(parse_err("local,host all all trust\n").message == "multiple values specified for connection type");
  CHECK(parse_err("host all all 10.0.0.0 255.0.0.0,255.255.0.0 trust\n").message ==
        "multiple values specified for netmask");
  CHECK(parse_err("host all all 127.0.0.1/33 trust\n").message == "invalid CIDR mask in address \"127.0.0.1/33\"");
  CHECK(parse_err("host all all\n").message == "end-of-line before IP address specification");
  CHECK(parse_err("local all all\n").message == "end-of-line before authentication method");
  CHECK(parse_err("host all all example.com trust\n").message.find("invalid IP address \"example.com\"") == 0);
  CHECK(parse_err("host all all 127.0.0.1/32 md5 map=x\n").message ==
        "authentication option \"map=x\" is not supported");
}

TEST_CASE("refusal texts as PostgreSQL 15 words them") {
  CHECK(hba_no_entry_message(tcp("127.0.0.1", "u", "d")) ==
        "no pg_hba.conf entry for host \"127.0.0.1\", user \"u\", database \"d\", no encryption");
  CHECK(hba_no_entry_message(tcp("127.0.0.1", "u", "replication", true)) ==
        "no pg_hba.conf entry for replication connection from host \"127.0.0.1\", user \"u\", no encryption");
  CHECK(hba_no_entry_message(unix_sock("u", "d")) ==
        "no pg_hba.conf entry for host \"[local]\", user \"u\", database \"d\", no encryption");
  CHECK(hba_host_string(tcp("::1")) == "::1");
  CHECK(hba_reject_message(tcp("10.0.0.1", "u", "d")) ==
        "pg_hba.conf rejects connection for host \"10.0.0.1\", user \"u\", database \"d\", no encryption");
  CHECK(hba_reject_message(unix_sock("u", "replication", true)) ==
        "pg_hba.conf rejects replication connection for host \"[local]\", user \"u\", no encryption");
}

TEST_CASE("write_default_hba writes initdb's six lines") {
  TempDir dir;
  REQUIRE(write_default_hba(dir.path() / "pg_hba.conf", AuthMethod::ScramSha256).empty());
  auto r = HbaFile::load(dir.path() / "pg_hba.conf");
  REQUIRE(std::holds_alternative<HbaFile>(r));
  const HbaFile& f = std::get<HbaFile>(r);
  REQUIRE(f.lines().size() == 6);
  for (const HbaLine& l : f.lines()) CHECK(l.method == AuthMethod::ScramSha256);
  CHECK(method(f, unix_sock()) == AuthMethod::ScramSha256);
  CHECK(method(f, tcp("::1", "u", "replication", true)) == AuthMethod::ScramSha256);
  CHECK(method(f, tcp("127.0.0.1", "u", "replication", true)) == AuthMethod::ScramSha256);
  CHECK_FALSE(method(f, tcp("10.0.0.1")));
}
