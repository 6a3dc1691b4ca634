#include <doctest.h>

#include "protocol/sql.h"
#include "protocol/sql_lexer.h"

using namespace pmemu::protocol;
using namespace pmemu::protocol::sql;

namespace {

std::vector<ParsedStatement> parse_ok(std::string_view q) {
  auto r = parse_query(q);
  if (auto* e = std::get_if<PgError>(&r)) FAIL_CHECK("unexpected error for [" << q << "]: " << e->message);
  REQUIRE(std::holds_alternative<std::vector<ParsedStatement>>(r));
  return std::get<std::vector<ParsedStatement>>(r);
}

Statement one(std::string_view q) {
  auto v = parse_ok(q);
  REQUIRE(v.size() == 1);
  return v[0].statement;
}

// The whole Query fails to parse.
PgError syntax_of(std::string_view q) {
  auto r = parse_query(q);
  REQUIRE_MESSAGE(std::holds_alternative<PgError>(r), q);
  return std::get<PgError>(r);
}

// The statement parses but is refused when run.
PgError rejected_of(std::string_view q) {
  auto s = one(q);
  REQUIRE_MESSAGE(std::holds_alternative<Rejected>(s), q);
  return std::get<Rejected>(s).error;
}

}  // namespace

TEST_CASE("lexer: identifiers fold, quotes unescape, comments vanish") {
  auto r = tokenize("SeLeCt \"MiXed\"\"x\" 'it''s' -- comment\n /* a /* nested */ b */ 12.5e3 x::text");
  REQUIRE(std::holds_alternative<std::vector<Token>>(r));
  auto& t = std::get<std::vector<Token>>(r);
  REQUIRE(t.size() == 8);
  CHECK(t[0].value == "select");
  CHECK(t[0].raw == "SeLeCt");
  CHECK(t[1].kind == TokenKind::QuotedIdent);
  CHECK(t[1].value == "MiXed\"x");
  CHECK(t[2].kind == TokenKind::String);
  CHECK(t[2].value == "it's");
  CHECK(t[3].kind == TokenKind::Number);
  CHECK(t[3].value == "12.5e3");
  CHECK(t[5].is_symbol("::"));
  CHECK(t[7].kind == TokenKind::End);
}

TEST_CASE("lexer errors use PostgreSQL's words") {
  CHECK(syntax_of("SELECT 'abc").message == "unterminated quoted string at or near \"'abc\"");
  CHECK(syntax_of("SELECT \"abc").message == "unterminated quoted identifier at or near \"\"abc\"");
  CHECK(syntax_of("SELECT \"\" FROM kv").message == "zero-length delimited identifier at or near \"\"\"\"");
  CHECK(syntax_of("SELECT 1 /* x").message == "unterminated /* comment at or near \"/* x\"");
  CHECK(syntax_of("SELECT 'abc").sqlstate == "42601");
}

TEST_CASE("empty query strings") {
  CHECK(parse_ok("").empty());
  CHECK(parse_ok("  ;; ; -- nothing\n").empty());
}

TEST_CASE("INSERT forms") {
  auto ins = std::get<Insert>(one("INSERT INTO kv VALUES ('a', 'b')"));
  CHECK(ins.k == "a");
  CHECK(ins.v == "b");
  CHECK(ins.on_conflict == OnConflict::Error);

  ins = std::get<Insert>(one("insert into KV (k, v) values (12345, 'x');"));
  CHECK(ins.k == "12345");
  CHECK(ins.v == "x");

  ins = std::get<Insert>(one("INSERT INTO public.kv (v, k) VALUES ('val', -7)"));
  CHECK(ins.k == "-7");
  CHECK(ins.v == "val");

  ins = std::get<Insert>(one("INSERT INTO kv VALUES ('a', 'it''s') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v"));
  CHECK(ins.on_conflict == OnConflict::Update);
  CHECK(ins.v == "it's");
  ins = std::get<Insert>(one("INSERT INTO kv VALUES (1, 2) on conflict (k) do nothing"));
  CHECK(ins.on_conflict == OnConflict::Nothing);
  ins = std::get<Insert>(one("INSERT INTO kv VALUES (1, 2) ON CONFLICT DO NOTHING"));
  CHECK(ins.on_conflict == OnConflict::Nothing);
}

TEST_CASE("INSERT errors") {
  CHECK(syntax_of("INSERT INTO kv VALUES ('a',").message == "syntax error at end of input");
  CHECK(syntax_of("INSERT INTO VALUES ('a', 'b')").message == "syntax error at or near \"VALUES\"");
  CHECK(syntax_of("INSERT kv VALUES (1, 2)").message == "syntax error at or near \"kv\"");
  CHECK(syntax_of("INSERT INTO kv VALUS (1, 2)").message == "syntax error at or near \"VALUS\"");
  CHECK(syntax_of("INSERT INTO kv VALUES ('a' 'b')").message == "syntax error at or near \"'b'\"");
  CHECK(syntax_of("INSERT INTO kv VALUES (1, )").message == "syntax error at or near \")\"");
  CHECK(rejected_of("INSERT INTO pgbench_history (tid, bid) VALUES (1, 2)").message ==
        "statement not supported: INSERT INTO pgbench_history (tid, bid) VALUES (1, 2)");
  CHECK(rejected_of("INSERT INTO pgbench_history (tid, bid) VALUES (1, 2)").detail ==
        "relation \"pgbench_history\" does not exist; the only table is kv.");
  CHECK(rejected_of("INSERT INTO \"KV\" VALUES (1, 2)").sqlstate == "0A000");
  CHECK(rejected_of("INSERT INTO kv (k, x) VALUES (1, 2)").message ==
        "column \"x\" of relation \"kv\" does not exist");
  CHECK(rejected_of("INSERT INTO kv VALUES (1, 2, 3)").message ==
        "INSERT has more expressions than target columns");
  CHECK(rejected_of("INSERT INTO kv (k, v) VALUES (1)").message ==
        "INSERT has more target columns than expressions");
  auto e = rejected_of("INSERT INTO kv VALUES (1, 2), (3, 4)");
  CHECK(e.sqlstate == "0A000");
  CHECK(e.message == "statement not supported: INSERT INTO kv VALUES (1, 2), (3, 4)");
  CHECK(rejected_of("INSERT INTO kv VALUES (1, NULL)").sqlstate == "0A000");
  CHECK(rejected_of("INSERT INTO kv VALUES (1, 'a' || 'b')").sqlstate == "0A000");
  CHECK(rejected_of("INSERT INTO kv SELECT 1, 2").sqlstate == "0A000");
  CHECK(rejected_of("INSERT INTO kv VALUES (1, 2) RETURNING k").sqlstate == "0A000");
  CHECK(rejected_of("INSERT INTO kv VALUES (1, 2) ON CONFLICT (v) DO NOTHING").sqlstate == "42P10");
  CHECK(rejected_of("INSERT INTO kv VALUES (1, 2) ON CONFLICT DO UPDATE SET v = EXCLUDED.v").message ==
        "ON CONFLICT DO UPDATE requires inference specification or constraint name");
}

TEST_CASE("UPDATE and DELETE") {
  auto u = std::get<Update>(one("UPDATE kv SET v = 'new' WHERE k = 'a'"));
  CHECK(u.k == "a");
  CHECK(u.v == "new");
  u = std::get<Update>(one("update kv set V = 5 where K = 77"));
  CHECK(u.k == "77");
  CHECK(u.v == "5");
  CHECK(std::get<Delete>(one("DELETE FROM kv WHERE k = 'gone'")).k == "gone");

  CHECK(rejected_of("UPDATE pgbench_accounts SET abalance = abalance + 5 WHERE aid = 3").detail ==
        "relation \"pgbench_accounts\" does not exist; the only table is kv.");
  CHECK(rejected_of("UPDATE kv SET v = 'x'").sqlstate == "0A000");
  CHECK(rejected_of("UPDATE kv SET k = 'x' WHERE k = 'y'").sqlstate == "0A000");
  CHECK(rejected_of("UPDATE kv SET v = v || 'x' WHERE k = 'y'").sqlstate == "0A000");
  CHECK(rejected_of("UPDATE kv SET zz = 'x' WHERE k = 'y'").message == "column \"zz\" of relation \"kv\" does not exist");
  CHECK(rejected_of("UPDATE kv SET v = 'x' WHERE q = 'y'").message == "column \"q\" does not exist");
  CHECK(rejected_of("DELETE FROM kv").sqlstate == "0A000");
  CHECK(rejected_of("DELETE FROM kv WHERE k > 'a'").sqlstate == "0A000");
  CHECK(syntax_of("UPDATE kv SET v = WHERE k = 1").message == "syntax error at or near \"WHERE\"");
  CHECK(syntax_of("UPDATE kv SET v = 1 WHERE k =").message == "syntax error at end of input");
  CHECK(syntax_of("DELETE kv WHERE k = 1").message == "syntax error at or near \"kv\"");
}

TEST_CASE("SELECT forms") {
  CHECK(std::get<SelectValue>(one("SELECT v FROM kv WHERE k = 'a'")).k == "a");
  CHECK(std::get<SelectValue>(one("select V from kv where k = 42;")).k == "42");
  auto rows = std::get<SelectRows>(one("SELECT k, v FROM kv"));
  CHECK_FALSE(rows.order_by_k);
  CHECK_FALSE(rows.limit.has_value());
  rows = std::get<SelectRows>(one("SELECT * FROM kv ORDER BY k LIMIT 10"));
  CHECK(rows.order_by_k);
  CHECK(rows.limit == 10);
  rows = std::get<SelectRows>(one("select k, v from kv order by k asc limit all"));
  CHECK(rows.order_by_k);
  CHECK_FALSE(rows.limit.has_value());
  CHECK(std::holds_alternative<SelectCount>(one("SELECT count(*) FROM kv")));
  CHECK(std::holds_alternative<SelectCount>(one("select COUNT(*) from kv")));

  auto c = std::get<SelectConst>(one("SELECT 1"));
  CHECK(c.value == Literal{Literal::Kind::Integer, "1"});
  CHECK(std::get<SelectConst>(one("SELECT -42")).value.text == "-42");
  CHECK(std::get<SelectConst>(one("SELECT 'hello'")).value == Literal{Literal::Kind::String, "hello"});
  CHECK(std::get<SelectConst>(one("SELECT 1.5")).value.kind == Literal::Kind::Numeric);
}

TEST_CASE("SELECT functions and views") {
  struct Case { const char* q; Function f; };
  for (auto [q, f] : {Case{"SELECT pg_current_wal_lsn()", Function::PgCurrentWalLsn},
                      Case{"select pg_current_wal_flush_lsn();", Function::PgCurrentWalFlushLsn},
                      Case{"SELECT pg_last_wal_receive_lsn()", Function::PgLastWalReceiveLsn},
                      Case{"SELECT pg_last_wal_replay_lsn()", Function::PgLastWalReplayLsn},
                      Case{"SELECT PG_IS_IN_RECOVERY()", Function::PgIsInRecovery},
                      Case{"SELECT pg_backend_pid()", Function::PgBackendPid},
                      Case{"SELECT pg_switch_wal()", Function::PgSwitchWal},
                      Case{"SELECT version()", Function::Version}}) {
    auto s = one(q);
    REQUIRE_MESSAGE(std::holds_alternative<SelectFunction>(s), q);
    CHECK(std::get<SelectFunction>(s).function == f);
    CHECK_FALSE(std::get<SelectFunction>(s).argument.has_value());
  }
  auto sleep = std::get<SelectFunction>(one("SELECT pg_sleep(0.5)"));
  CHECK(sleep.function == Function::PgSleep);
  CHECK(sleep.argument->text == "0.5");
  CHECK(function_name(Function::PgCurrentWalLsn) == "pg_current_wal_lsn");

  CHECK(std::get<SelectView>(one("SELECT * FROM pg_stat_replication")).view == StatView::PgStatReplication);
  CHECK(std::get<SelectView>(one("select * from PG_STAT_WAL_RECEIVER")).view == StatView::PgStatWalReceiver);
  CHECK(std::get<SelectView>(one("SELECT * FROM pg_catalog.pg_stat_activity")).view == StatView::PgStatActivity);
  CHECK(std::get<SelectView>(one("SELECT * FROM pg_stat_imessage")).view == StatView::PgStatImessage);
  CHECK(std::get<SelectView>(one("SELECT * FROM pg_fault_points")).view == StatView::PgFaultPoints);
}

TEST_CASE("SELECT refusals") {
  CHECK(rejected_of("select count(*) from pgbench_branches").message ==
        "statement not supported: select count(*) from pgbench_branches");
  CHECK(rejected_of("SELECT abalance FROM pgbench_accounts WHERE aid = 1").sqlstate == "0A000");
  CHECK(rejected_of("SELECT * FROM nothere").detail == "relation \"nothere\" does not exist; the only table is kv.");
  CHECK(rejected_of("SELECT k FROM kv WHERE v = 'x'").sqlstate == "0A000");
  CHECK(rejected_of("SELECT v FROM kv").sqlstate == "0A000");
  CHECK(rejected_of("SELECT * FROM kv ORDER BY k DESC").sqlstate == "0A000");
  CHECK(rejected_of("SELECT * FROM kv a JOIN kv b ON a.k = b.k").sqlstate == "0A000");
  CHECK(rejected_of("SELECT now()").message == "statement not supported: SELECT now()");
  CHECK(rejected_of("SELECT pg_backend_pid() + 1").sqlstate == "0A000");
  CHECK(rejected_of("SELECT 1 + 1").sqlstate == "0A000");
  CHECK(rejected_of("SELECT * FROM kv ORDER BY zz").message == "column \"zz\" does not exist");
  CHECK(syntax_of("SELECT v FROM kv WHERE").message == "syntax error at end of input");
  CHECK(syntax_of("SELECT * FROM WHERE").message == "syntax error at or near \"WHERE\"");
  CHECK(syntax_of("SELECT * FROM kv ORDER k").message == "syntax error at or near \"k\"");
}

TEST_CASE("utility statements") {
  CHECK(std::holds_alternative<Checkpoint>(one("CHECKPOINT")));
  CHECK(syntax_of("CHECKPOINT now").message == "syntax error at or near \"now\"");
  CHECK(std::get<Show>(one("SHOW ALL")).all());
  CHECK(std::get<Show>(one("show Wal_Segment_Size")).name == "wal_segment_size");
  CHECK(std::get<Show>(one("SHOW \"DateStyle\"")).name == "DateStyle");
  CHECK(std::get<Show>(one("SHOW TIME ZONE")).name == "timezone");
  CHECK(syntax_of("SHOW").message == "syntax error at end of input");

  auto s = std::get<Set>(one("SET application_name = 'bench'"));
  CHECK(s.name == "application_name");
  CHECK(s.value == "bench");
  CHECK_FALSE(s.local);
  s = std::get<Set>(one("set local synchronous_commit TO off"));
  CHECK(s.local);
  CHECK(s.value == "off");
  s = std::get<Set>(one("SET datestyle = iso, mdy"));
  CHECK(s.value == "iso, mdy");
  s = std::get<Set>(one("SET statement_timeout = DEFAULT"));
  CHECK_FALSE(s.value.has_value());
  s = std::get<Set>(one("SET TIME ZONE 'UTC'"));
  CHECK(s.name == "timezone");
  CHECK(s.value == "UTC");
  CHECK(std::get<Set>(one("SET x = -5")).value == "-5");
  CHECK(syntax_of("SET x").message == "syntax error at end of input");
  CHECK(syntax_of("SET x = ").message == "syntax error at end of input");
}

TEST_CASE("transaction statements") {
  for (auto q : {"BEGIN", "begin work", "BEGIN TRANSACTION", "START TRANSACTION"})
    CHECK_MESSAGE(std::holds_alternative<Begin>(one(q)), q);
  for (auto q : {"COMMIT", "END", "end transaction", "commit work"})
    CHECK_MESSAGE(std::holds_alternative<Commit>(one(q)), q);
  for (auto q : {"ROLLBACK", "ABORT", "rollback transaction"})
    CHECK_MESSAGE(std::holds_alternative<Rollback>(one(q)), q);
  CHECK(rejected_of("BEGIN ISOLATION LEVEL SERIALIZABLE").sqlstate == "0A000");
  CHECK(rejected_of("ROLLBACK TO SAVEPOINT a").sqlstate == "0A000");
  CHECK(syntax_of("START").message == "syntax error at end of input");
}

TEST_CASE("unsupported and unknown commands") {
  auto e = rejected_of("VACUUM pgbench_branches");
  CHECK(e.sqlstate == "0A000");
  CHECK(e.message == "statement not supported: VACUUM pgbench_branches");
  CHECK(rejected_of("  truncate pgbench_history ;").message ==
        "statement not supported: truncate pgbench_history");
  for (auto q : {"CREATE TABLE t (a int)", "COPY kv FROM STDIN", "DROP TABLE kv", "ALTER SYSTEM SET x = 1",
                 "EXPLAIN SELECT 1", "WITH x AS (SELECT 1) SELECT * FROM x", "(SELECT 1)"})
    CHECK_MESSAGE(rejected_of(q).sqlstate == "0A000", q);
  CHECK(syntax_of("FOO bar").message == "syntax error at or near \"FOO\"");
  CHECK(syntax_of(")").message == "syntax error at or near \")\"");
}

TEST_CASE("several statements: split on ; outside quotes, text kept per statement") {
  auto v = parse_ok("BEGIN; INSERT INTO kv VALUES ('a;b', 'c'); SELECT v FROM kv WHERE k = 'a;b' ;END;");
  REQUIRE(v.size() == 4);
  CHECK(std::holds_alternative<Begin>(v[0].statement));
  CHECK(std::get<Insert>(v[1].statement).k == "a;b");
  CHECK(v[1].text == "INSERT INTO kv VALUES ('a;b', 'c')");
  CHECK(v[2].text == "SELECT v FROM kv WHERE k = 'a;b'");
  CHECK(std::holds_alternative<Commit>(v[3].statement));
}

TEST_CASE("a syntax error anywhere rejects the whole string; other refusals stay in place") {
  auto e = syntax_of("INSERT INTO kv VALUES (1, 2); SELEC 1");
  CHECK(e.message == "syntax error at or near \"SELEC\"");
  auto v = parse_ok("INSERT INTO kv VALUES (1, 2); VACUUM; SELECT 1");
  REQUIRE(v.size() == 3);
  CHECK(std::holds_alternative<Insert>(v[0].statement));
  CHECK(std::holds_alternative<Rejected>(v[1].statement));
  CHECK(std::holds_alternative<SelectConst>(v[2].statement));
}

TEST_CASE("pgbench-style statements after textual substitution") {
  auto v = parse_ok(
      "INSERT INTO kv VALUES (48213, 'val-48213') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;\n"
      "SELECT v FROM kv WHERE k = 48213;\n"
      "UPDATE kv SET v = -3 WHERE k = 7;");
  REQUIRE(v.size() == 3);
  CHECK(std::get<Insert>(v[0].statement).k == "48213");
  CHECK(std::get<SelectValue>(v[1].statement).k == "48213");
  CHECK(std::get<Update>(v[2].statement).v == "-3");
}
