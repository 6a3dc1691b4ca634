// Every statement of SPEC section 6 through unmodified psql (and, where the
// answer is an error code, through libpq to read the SQLSTATE).
#include <doctest.h>

#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

namespace {

const std::regex kLsn("^[0-9A-F]+/[0-9A-F]+$");

// psql -c that must succeed; returns trimmed stdout.
std::string ok(Cluster& c, const std::string& sql) {
  const CmdResult r = c.psql(sql);
  CHECK_MESSAGE(r.exit_code == 0, sql << " -> " << r.describe());
  return trim(r.out);
}

// psql -c that must fail with `sqlstate` (psql runs with VERBOSITY=verbose).
void fails(Cluster& c, const std::string& sql, const std::string& sqlstate) {
  const CmdResult r = c.psql(sql);
  CHECK_MESSAGE(r.exit_code == 1, sql << " -> " << r.describe());
  CHECK_MESSAGE(contains(r.err, "ERROR:  " + sqlstate + ":"), sql << " -> " << r.describe());
}

}  // namespace

TEST_CASE("001 statements: every SPEC section 6 statement through psql -c") {
  Cluster c;
  c.init();
  c.start();

  CHECK(ok(c, "SELECT 1") == "1");
  CHECK(ok(c, "select 1") == "1");

  // INSERT, duplicate, upsert.
  CHECK(ok(c, "INSERT INTO kv VALUES ('k1', 'v1')") == "INSERT 0 1");
  fails(c, "INSERT INTO kv VALUES ('k1', 'other')", "23505");
  CHECK(ok(c, "SELECT v FROM kv WHERE k = 'k1'") == "v1");
  CHECK(ok(c, "INSERT INTO kv VALUES ('k1', 'v1b') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v") == "INSERT 0 1");
  CHECK(ok(c, "SELECT v FROM kv WHERE k = 'k1'") == "v1b");
  CHECK(ok(c, "INSERT INTO kv VALUES ('k2', 'v2') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v") == "INSERT 0 1");
  CHECK(ok(c, "insert into kv values ('k3', 'v3')") == "INSERT 0 1");

  // UPDATE n / DELETE n, including the zero-row forms.
  CHECK(ok(c, "UPDATE kv SET v = 'v2b' WHERE k = 'k2'") == "UPDATE 1");
  CHECK(ok(c, "UPDATE kv SET v = 'x' WHERE k = 'missing'") == "UPDATE 0");
  CHECK(ok(c, "SELECT v FROM kv WHERE k = 'k2'") == "v2b");
  CHECK(ok(c, "DELETE FROM kv WHERE k = 'k3'") == "DELETE 1");
  CHECK(ok(c, "DELETE FROM kv WHERE k = 'k3'") == "DELETE 0");
  CHECK(ok(c, "SELECT v FROM kv WHERE k = 'k3'") == "");

  // Quoting and bare integers (pgbench substitutes :var that way).
  CHECK(ok(c, "INSERT INTO kv VALUES ('it''s', 'a ''quoted'' value')") == "INSERT 0 1");
  CHECK(ok(c, "SELECT v FROM kv WHERE k = 'it''s'") == "a 'quoted' value");
  CHECK(ok(c, "INSERT INTO kv VALUES (12345, 678)") == "INSERT 0 1");
  CHECK(ok(c, "SELECT v FROM kv WHERE k = '12345'") == "678");
  CHECK(ok(c, "SELECT v FROM kv WHERE k = 12345") == "678");

  // Scans: order, limit, count.
  CHECK(ok(c, "SELECT count(*) FROM kv") == "4");
  CHECK(ok(c, "SELECT k, v FROM kv ORDER BY k") == "12345|678\nit's|a 'quoted' value\nk1|v1b\nk2|v2b");
  CHECK(ok(c, "SELECT k, v FROM kv ORDER BY k LIMIT 2") == "12345|678\nit's|a 'quoted' value");
  CHECK(lines_of(ok(c, "SELECT k, v FROM kv")).size() == 4);
  CHECK(lines_of(ok(c, "SELECT k, v FROM kv LIMIT 3")).size() == 3);

  // Several statements in one Query message: psql 15 prints every result.
  CHECK(ok(c, "INSERT INTO kv VALUES ('m1', '1'); INSERT INTO kv VALUES ('m2', '2'); SELECT count(*) FROM kv") ==
        "INSERT 0 1\nINSERT 0 1\n6");

  CHECK(ok(c, "CHECKPOINT") == "CHECKPOINT");

  // SHOW.
  CHECK(ok(c, "SHOW port") == std::to_string(c.port()));
  CHECK(ok(c, "show listen_addresses") == "127.0.0.1");
  CHECK(ok(c, "SHOW wal_segment_size") == "16MB");
  CHECK(ok(c, "SHOW fsync") == "off");
  CHECK(ok(c, "SHOW max_connections") == "100");
  const std::string all = ok(c, "SHOW ALL");
  CHECK_MESSAGE(contains(all, "port|" + std::to_string(c.port())), all);
  CHECK_MESSAGE(contains(all, "max_connections|100"), all);

  // WAL functions.
  for (const char* fn : {"pg_current_wal_lsn()", "pg_current_wal_flush_lsn()", "pg_switch_wal()"}) {
    const std::string lsn = ok(c, std::string("SELECT ") + fn);
    CHECK_MESSAGE(std::regex_match(lsn, kLsn), fn << " -> [" << lsn << "]");
  }
  CHECK(ok(c, "SELECT pg_last_wal_receive_lsn()") == "");  // NULL on a primary
  CHECK(ok(c, "SELECT pg_last_wal_replay_lsn()") == "");
  CHECK(ok(c, "SELECT pg_is_in_recovery()") == "f");

  // Views: no replication on a lone primary, our own session in pg_stat_activity.
  CHECK(ok(c, "SELECT * FROM pg_stat_replication") == "");
  CHECK(ok(c, "SELECT * FROM pg_stat_wal_receiver") == "");
  CHECK(c.psql("SELECT * FROM pg_stat_imessage").exit_code == 0);

  PgConn s = c.session();
  const QueryResult pid = s.exec("SELECT pg_backend_pid()");
  REQUIRE_MESSAGE(pid.ok(), pid.describe());
  CHECK(pid.get() == std::to_string(s.server_pid()));
  const pmemu::Pid backend(s.server_pid());
  const auto st = read_proc_stat(backend);
  REQUIRE(st.has_value());
  CHECK(st->ppid == c.postmaster_pid());
  CHECK_MESSAGE(contains(process_title(backend), "postmaster:"), process_title(backend));
  const QueryResult act = s.exec("SELECT * FROM pg_stat_activity");
  REQUIRE_MESSAGE(act.ok(), act.describe());
  bool found_self = false;
  for (const auto& row : act.rows) {
    if (!row.empty() && row[0] == pid.get()) {
      found_self = true;
      CHECK_MESSAGE(row.size() >= 5, "pg_stat_activity has pid, backend_type, state, client_addr, query");
      if (row.size() >= 2) CHECK(row[1] == "client backend");
    }
  }
  CHECK_MESSAGE(found_self, act.describe());

  // Over the Unix socket too.
  const CmdResult unix_r = c.psql("SELECT v FROM kv WHERE k = 'k1'", Via::UnixSocket);
  CHECK_MESSAGE(unix_r.exit_code == 0, unix_r.describe());
  CHECK(trim(unix_r.out) == "v1b");
}

TEST_CASE("001 statements: errors carry SQLSTATEs and the session goes on") {
  Cluster c;
  c.init();
  c.start();
  PgConn s = c.session();

  auto expect_error = [&](const std::string& sql, std::initializer_list<const char*> states) {
    const QueryResult r = s.exec(sql);
    bool matched = false;
    for (const char* st : states) matched = matched || r.sqlstate == st;
    CHECK_MESSAGE(matched, sql << " -> " << r.describe());
    const QueryResult after = s.exec("SELECT 1");
    CHECK_MESSAGE(after.ok(), "session ended after: " << sql << " -> " << after.describe());
    return r;
  };

  const QueryResult syntax = expect_error("FROBNICATE THE WIDGETS", {"42601"});
  CHECK_MESSAGE(contains(syntax.message, "FROBNICATE"), "message should quote the statement: " << syntax.message);
  expect_error("SELECT * FROM some_other_table", {"42601", "0A000"});
  expect_error("DROP TABLE kv", {"42601", "0A000"});

  REQUIRE(s.exec("INSERT INTO kv VALUES ('dup', '1')").ok());
  expect_error("INSERT INTO kv VALUES ('dup', '2')", {"23505"});

  expect_error("INSERT INTO kv VALUES ('" + std::string(1025, 'k') + "', 'v')", {"54000"});
  expect_error("INSERT INTO kv VALUES ('bigvalue', '" + std::string(8193, 'v') + "')", {"54000"});
  const QueryResult max_ok = s.exec("INSERT INTO kv VALUES ('" + std::string(1024, 'k') + "', '" +
                                    std::string(8192, 'v') + "')");
  CHECK_MESSAGE(max_ok.ok(), "a 1 kB key with an 8 kB value is allowed: " << max_ok.describe());

  // Transaction control: accepted, or refused as not supported.
  const QueryResult begin = s.exec("BEGIN");
  CHECK_MESSAGE((begin.ok() || begin.sqlstate == "0A000"), begin.describe());
  if (begin.ok()) CHECK(s.exec("COMMIT").ok());

  // The extended protocol gets a clear ErrorResponse (or works) and the session survives.
  const QueryResult ext = s.exec_extended("SELECT v FROM kv WHERE k = 'dup'");
  CHECK_MESSAGE((ext.ok() ? ext.get() == "1" : !ext.message.empty()), ext.describe());
  const QueryResult after_ext = s.exec("SELECT 1");
  CHECK_MESSAGE(after_ext.ok(), "session ended after an extended-protocol query: " << after_ext.describe());
  CHECK(s.exec("SELECT count(*) FROM kv").get() == "2");
}

TEST_CASE("001 statements: a full table refuses writes with 53100 naming kv_table_size") {
  Cluster c;
  c.init({"kv_table_size=1MB"});
  c.start();
  PgConn s = c.session();
  const std::string value(8000, 'x');
  QueryResult last;
  int inserted = 0;
  for (; inserted < 10000; ++inserted) {
    last = s.exec("INSERT INTO kv VALUES ('key" + std::to_string(inserted) + "', '" + value + "')");
    if (!last.ok()) break;
  }
  REQUIRE_MESSAGE(!last.ok(), "10000 x 8 kB rows fit in a 1MB kv_table_size");
  CHECK_MESSAGE(last.sqlstate == "53100", last.describe());
  CHECK_MESSAGE(contains(last.message, "kv_table_size"), last.describe());
  CHECK(s.exec("SELECT count(*) FROM kv").get() == std::to_string(inserted));
  CHECK(s.exec("DELETE FROM kv WHERE k = 'key0'").tag == "DELETE 1");
  CHECK_MESSAGE(s.exec("INSERT INTO kv VALUES ('key0', '" + value + "')").ok(), "space freed by a delete is reused");
}
