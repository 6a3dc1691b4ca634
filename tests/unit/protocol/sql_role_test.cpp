#include <doctest.h>

#include "protocol/sql.h"

using namespace pmemu::protocol;
using namespace pmemu::protocol::sql;

namespace {

Statement one_role(std::string_view q) {
  auto r = parse_query(q);
  REQUIRE_MESSAGE(std::holds_alternative<std::vector<ParsedStatement>>(r), q);
  auto& v = std::get<std::vector<ParsedStatement>>(r);
  REQUIRE(v.size() == 1);
  return v[0].statement;
}

std::string syntax_message(std::string_view q) {
  auto r = parse_query(q);
  REQUIRE_MESSAGE(std::holds_alternative<PgError>(r), q);
  CHECK(std::get<PgError>(r).sqlstate == sqlstate::kSyntaxError);
  return std::get<PgError>(r).message;
}

}  // namespace

TEST_CASE("sql roles: CREATE ROLE / CREATE USER with options") {
  auto st = one_role("CREATE ROLE alice WITH LOGIN REPLICATION PASSWORD 'pw'");
  REQUIRE(std::holds_alternative<CreateRole>(st));
  auto& c = std::get<CreateRole>(st);
  CHECK(c.name == "alice");
  CHECK(c.options.login == true);
  CHECK(c.options.replication == true);
  CHECK_FALSE(c.options.superuser);
  REQUIRE(c.options.password);
  CHECK(**c.options.password == "pw");

  auto plain = std::get<CreateRole>(one_role("create role \"Bob\""));
  CHECK(plain.name == "Bob");
  CHECK_FALSE(plain.options.login);  // CREATE ROLE leaves LOGIN unset (NOLOGIN)

  auto user = std::get<CreateRole>(one_role("CREATE USER carol NOSUPERUSER ENCRYPTED PASSWORD 'x'"));
  CHECK(user.options.login == true);  // CREATE USER implies LOGIN
  CHECK(user.options.superuser == false);
  CHECK(std::get<CreateRole>(one_role("CREATE USER dave NOLOGIN")).options.login == false);
}

TEST_CASE("sql roles: ALTER ROLE and DROP ROLE") {
  auto a = std::get<AlterRole>(one_role("ALTER USER alice PASSWORD NULL NOLOGIN"));
  CHECK(a.name == "alice");
  REQUIRE(a.options.password);
  CHECK_FALSE(a.options.password->has_value());
  CHECK(a.options.login == false);

  auto d = std::get<DropRole>(one_role("DROP ROLE IF EXISTS a, \"B\""));
  CHECK(d.if_exists);
  CHECK(d.names == std::vector<std::string>{"a", "B"});
  CHECK_FALSE(std::get<DropRole>(one_role("drop user x")).if_exists);
}

TEST_CASE("sql roles: errors") {
  CHECK(syntax_message("CREATE ROLE alice LOGIN NOLOGIN") == "conflicting or redundant options");
  CHECK(syntax_message("CREATE ROLE alice FLY") == "unrecognized role option \"fly\"");
  CHECK(syntax_message("CREATE ROLE") == "syntax error at end of input");
  CHECK(syntax_message("CREATE ROLE alice PASSWORD") == "syntax error at end of input");
  CHECK(syntax_message("DROP ROLE a b") == "syntax error at or near \"b\"");
  CHECK(syntax_message("CREATE ROLE current_user") == "syntax error at or near \"current_user\"");
  // Valid PostgreSQL we do not keep: this statement alone is refused.
  auto st = one_role("CREATE ROLE alice CREATEDB");
  REQUIRE(std::holds_alternative<Rejected>(st));
  CHECK(std::get<Rejected>(st).error.sqlstate == sqlstate::kFeatureNotSupported);
  CHECK(std::holds_alternative<Rejected>(one_role("ALTER ROLE alice RENAME TO bob")));
  // Not role statements at all.
  CHECK(std::holds_alternative<Rejected>(one_role("CREATE USER MAPPING FOR bob SERVER s")));
  CHECK(std::holds_alternative<Rejected>(one_role("CREATE TABLE t (a int)")));
}
