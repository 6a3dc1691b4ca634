// An unmodified pg_receivewal (Debian's v15) streams from our primary: the
// completed segments it writes are byte for byte ours, pg_stat_replication
// shows it streaming, and with a physical slot the slot survives on disk and
// its restart_lsn follows the receiver's flushes.
#include <doctest.h>

#include "tests/integration/receivewal_support.h"

using namespace pmemu::integration;
namespace fs = std::filesystem;

namespace {

void write_rows(Cluster& c, const std::string& prefix, int n) {
  std::string sql;
  for (int i = 0; i < n; ++i)
    sql += "INSERT INTO kv VALUES ('" + prefix + std::to_string(i) + "', '" + std::string(200, 'x') + "');";
  auto r = c.psql(sql);
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
}

// Every completed (not .partial) segment the receiver wrote equals ours.
int compare_completed_segments(Cluster& c, const fs::path& recv_dir) {
  int compared = 0;
  for (auto& entry : fs::directory_iterator(recv_dir)) {
    const auto name = entry.path().filename().string();
    if (name.size() != 24) continue;
    const auto ours = c.data_dir() / "pg_wal" / name;
    REQUIRE_MESSAGE(fs::exists(ours), "our segment " << name << " is gone");
    CHECK_MESSAGE(file_bytes(entry.path()) == file_bytes(ours), "segment " << name << " differs");
    ++compared;
  }
  return compared;
}

std::string first_segment_after(const std::string& switch_lsn) {
  // 16 MB segments: the file name of the segment holding `switch_lsn - 1`.
  const std::uint64_t seg = (lsn_value(switch_lsn) - 1) >> 24;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08X%08X%08X", 1u, static_cast<unsigned>(seg >> 8), static_cast<unsigned>(seg & 0xFF));
  return buf;
}

}  // namespace

TEST_CASE("009 pg_receivewal streams byte-identical segments and shows in pg_stat_replication") {
  Cluster c;
  c.init();
  c.start();
  const fs::path recv_dir = c.base_dir() / "recv";
  ReceiveWal rw(c, recv_dir, {}, c.base_dir() / "receivewal.log");

  wait_for("pg_receivewal streaming in pg_stat_replication", 15s, [&](std::string& seen) {
    auto rows = replication_rows(c);
    seen = c.psql("SELECT * FROM pg_stat_replication").out + rw.output();
    return rows.size() == 1 && rows[0][1] == "pg_receivewal" && rows[0][3] == "streaming";
  });
  const auto title_pids = c.pids_by_title("walsender " + c.user() + " 127.0.0.1(");
  CHECK_MESSAGE(title_pids.size() == 1, "process title with 'walsender <user> 127.0.0.1(port) streaming'");

  write_rows(c, "a", 300);
  const std::string switch_lsn = trim(c.psql("SELECT pg_switch_wal()").out);
  write_rows(c, "b", 50);
  const std::string switch2 = trim(c.psql("SELECT pg_switch_wal()").out);
  REQUIRE(lsn_value(switch2) > lsn_value(switch_lsn));
  const std::string last_full = first_segment_after(switch2);

  wait_for("the receiver to complete segment " + last_full, 15s, [&](std::string& seen) {
    seen = rw.output();
    return fs::exists(recv_dir / last_full);
  });
  CHECK(compare_completed_segments(c, recv_dir) >= 2);

  // Sent reaches the switch point; the receiver reports what it wrote.
  wait_for("write_lsn to reach the switch point", 20s, [&](std::string& seen) {
    auto rows = replication_rows(c);
    seen = c.psql("SELECT * FROM pg_stat_replication").out;
    return rows.size() == 1 && lsn_value(rows[0][4]) >= lsn_value(switch2) && rows[0][2] == "127.0.0.1" &&
           !rows[0][9].empty() && lsn_value(rows[0][5]) > 0;
  });

  rw.interrupt();
  rw.wait_gone(10s);
  wait_for("the walsender to leave pg_stat_replication", 10s, [&](std::string& seen) {
    seen = c.psql("SELECT * FROM pg_stat_replication").out;
    return replication_rows(c).empty();
  });
}

TEST_CASE("009 pg_receivewal with a physical slot: --create-slot, READ_REPLICATION_SLOT, restart_lsn advances") {
  Cluster c;
  c.init();
  c.start();
  const fs::path recv_dir = c.base_dir() / "recv";
  {
    ReceiveWal create(c, recv_dir, {"-S", "rw_slot", "--create-slot"}, c.base_dir() / "create.log");
    create.wait_gone(15s);
    CHECK_MESSAGE(contains(create.output(), "creating replication slot"), create.output());
  }
  CHECK(fs::exists(c.data_dir() / "pg_replslot" / "rw_slot" / "state"));
  const std::string repl = "host=127.0.0.1 port=" + std::to_string(c.port()) + " user=" + c.user() +
                           " dbname=replication replication=true";
  auto read_slot = [&] {
    return run_command({"psql", "-X", "-A", "-t", "-d", repl, "-c", "READ_REPLICATION_SLOT rw_slot"});
  };
  auto before = read_slot();
  REQUIRE_MESSAGE(before.exit_code == 0, before.describe());
  CHECK_MESSAGE(contains(before.out, "physical|"), before.out);

  ReceiveWal rw(c, recv_dir, {"-S", "rw_slot", "--status-interval=1"}, c.base_dir() / "receivewal.log");
  wait_for("slot streaming", 15s, [&](std::string& seen) {
    auto rows = replication_rows(c);
    seen = rw.output();
    return rows.size() == 1 && rows[0][3] == "streaming";
  });
  write_rows(c, "s", 100);
  const std::string switch_lsn = trim(c.psql("SELECT pg_switch_wal()").out);
  const std::string done = first_segment_after(switch_lsn);
  wait_for("completed segment " + done, 15s, [&](std::string&) { return fs::exists(recv_dir / done); });
  CHECK(compare_completed_segments(c, recv_dir) >= 1);

  // With a slot pg_receivewal reports its fsynced position as flush; the
  // slot's restart_lsn follows it.
  wait_for("restart_lsn to reach the switch point", 15s, [&](std::string& seen) {
    auto r = read_slot();
    seen = r.out;
    auto parts = lines_of(r.out);
    if (parts.empty()) return false;
    auto f = parts[0];
    auto a = f.find('|'), b = f.rfind('|');
    return a != std::string::npos && lsn_value(f.substr(a + 1, b - a - 1)) >= lsn_value(switch_lsn);
  });
  // A slot in use cannot be dropped.
  auto busy = run_command({"psql", "-X", "-A", "-t", "-d", repl, "-c", "DROP_REPLICATION_SLOT rw_slot"});
  CHECK_MESSAGE(contains(busy.err, "is active for PID"), busy.describe());
  // A checkpoint writes the advanced restart_lsn to disk.
  REQUIRE(c.psql("CHECKPOINT").exit_code == 0);
  rw.interrupt();
  rw.wait_gone(10s);

  // The slot survives a restart with its position.
  REQUIRE(c.stop("fast").exit_code == 0);
  c.start();
  auto after = read_slot();
  CHECK_MESSAGE(lsn_value(lines_of(after.out).empty() ? "" : lines_of(after.out)[0].substr(9)) >= lsn_value(switch_lsn),
                after.out);
  auto drop = run_command({"psql", "-X", "-A", "-t", "-d", repl, "-c", "DROP_REPLICATION_SLOT rw_slot"});
  CHECK_MESSAGE(drop.exit_code == 0, drop.describe());
  CHECK_FALSE(fs::exists(c.data_dir() / "pg_replslot" / "rw_slot"));
}

namespace {

// A raw libpq replication connection, for what pg_receivewal never does.
struct ReplConn {
  PGconn* conn;
  explicit ReplConn(Cluster& c)
      : conn(PQconnectdb(("host=127.0.0.1 port=" + std::to_string(c.port()) + " user=" + c.user() +
                          " dbname=replication replication=true application_name=raw_test")
                             .c_str())) {}
  ~ReplConn() { PQfinish(conn); }
  ReplConn(const ReplConn&) = delete;
  ReplConn& operator=(const ReplConn&) = delete;
  [[nodiscard]] std::string error_of(const char* sql) {
    PGresult* r = PQexec(conn, sql);
    std::string out = PQresultStatus(r) == PGRES_FATAL_ERROR
                          ? std::string(PQresultErrorField(r, PG_DIAG_SQLSTATE)) + " " + PQresultErrorMessage(r)
                          : std::string("ok");
    PQclear(r);
    return out;
  }
};

}  // namespace

TEST_CASE("009 walsender refusals, keepalives and wal_sender_timeout") {
  Cluster c;
  c.init({"wal_sender_timeout=2s", "max_wal_senders=1"});
  c.start();
  ReplConn a(c);
  REQUIRE_MESSAGE(PQstatus(a.conn) == CONNECTION_OK, PQerrorMessage(a.conn));
  CHECK(std::string(PQparameterStatus(a.conn, "server_encoding")) == "SQL_ASCII");
  // Plain SQL is not for a physical walsender.
  CHECK(contains(a.error_of("SELECT 1"), "0A000"));
  CHECK(contains(a.error_of("SELECT 1"), "cannot execute SQL commands in WAL sender for physical replication"));
  // One walsender is the limit.
  {
    ReplConn b(c);
    CHECK(PQstatus(b.conn) == CONNECTION_BAD);
    CHECK_MESSAGE(contains(PQerrorMessage(b.conn),
                           "number of requested standby connections exceeds max_wal_senders (currently 1)"),
                  PQerrorMessage(b.conn));
  }
  // A start beyond the flush position is refused (after CopyBothResponse,
  // as PostgreSQL does) and the session goes on.
  {
    PGresult* cb = PQexec(a.conn, "START_REPLICATION FF/0 TIMELINE 1");
    CHECK(PQresultStatus(cb) == PGRES_COPY_BOTH);
    PQclear(cb);
    char* buf = nullptr;
    CHECK(PQgetCopyData(a.conn, &buf, 0) < 0);
    PGresult* err = PQgetResult(a.conn);
    REQUIRE(err != nullptr);
    CHECK(PQresultStatus(err) == PGRES_FATAL_ERROR);
    CHECK_MESSAGE(contains(PQresultErrorMessage(err), "is ahead of the WAL flush position of this server"),
                  PQresultErrorMessage(err));
    PQclear(err);
    while ((err = PQgetResult(a.conn)) != nullptr) PQclear(err);
    CHECK(a.error_of("IDENTIFY_SYSTEM") == "ok");
  }

  // Streaming to a standby that never answers: pings (k, reply requested)
  // after wal_sender_timeout/2, then the walsender gives up.
  const std::string flush = trim(c.psql("SELECT pg_current_wal_flush_lsn()").out);
  const std::string seg_start = flush.substr(0, flush.find('/') + 1) +
                                [&] {
                                  char b[16];
                                  std::snprintf(b, sizeof b, "%X",
                                                static_cast<unsigned>(lsn_value(flush) & ~0xFFFFFFull));
                                  return std::string(b);
                                }();
  PGresult* r = PQexec(a.conn, ("START_REPLICATION " + seg_start + " TIMELINE 1").c_str());
  REQUIRE_MESSAGE(PQresultStatus(r) == PGRES_COPY_BOTH, PQresultErrorMessage(r));
  PQclear(r);
  bool saw_w = false, saw_ping = false;
  const auto t0 = std::chrono::steady_clock::now();
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(a.conn, &buf, 0);
    if (n < 0) break;  // the server ended the stream
    if (buf[0] == 'w') saw_w = true;
    if (buf[0] == 'k' && n == 18 && buf[17] == 1) saw_ping = true;
    PQfreemem(buf);
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() - t0 < 20s, "walsender did not time out");
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(saw_w);
  CHECK(saw_ping);
  CHECK(took >= 1500ms);
  c.wait_for_log("terminating walsender process due to replication timeout", 10s);
  wait_for("the walsender slot to be free", 10s, [&](std::string& seen) {
    seen = c.psql("SELECT * FROM pg_stat_replication").out;
    return replication_rows(c).empty();
  });
}

TEST_CASE("009 a physical slot keeps its WAL through checkpoints until it is dropped") {
  Cluster c;
  c.init();
  c.start();
  const std::string repl = "host=127.0.0.1 port=" + std::to_string(c.port()) + " user=" + c.user() +
                           " dbname=replication replication=true";
  auto created = run_command({"psql", "-X", "-A", "-t", "-d", repl, "-c",
                              "CREATE_REPLICATION_SLOT keeper PHYSICAL RESERVE_WAL"});
  REQUIRE_MESSAGE(created.exit_code == 0, created.describe());
  // "keeper|0/1000038||": slot_name, consistent_point, two NULLs.
  const std::string row = lines_of(created.out).at(0);
  const std::uint64_t seg = lsn_value(row.substr(row.find('|') + 1)) >> 24;
  char name[32];
  std::snprintf(name, sizeof name, "%08X%08X%08X", 1u, static_cast<unsigned>(seg >> 8),
                static_cast<unsigned>(seg & 0xFF));
  for (int i = 0; i < 3; ++i) {
    REQUIRE(c.psql("INSERT INTO kv VALUES ('k" + std::to_string(i) + "', 'v')").exit_code == 0);
    REQUIRE(c.psql("SELECT pg_switch_wal()").exit_code == 0);
  }
  REQUIRE(c.psql("CHECKPOINT").exit_code == 0);
  CHECK_MESSAGE(std::filesystem::exists(c.data_dir() / "pg_wal" / name), "slot's segment " << name << " was removed");

  auto dropped = run_command({"psql", "-X", "-A", "-t", "-d", repl, "-c", "DROP_REPLICATION_SLOT keeper"});
  REQUIRE_MESSAGE(dropped.exit_code == 0, dropped.describe());
  REQUIRE(c.psql("INSERT INTO kv VALUES ('last', 'v')").exit_code == 0);
  REQUIRE(c.psql("CHECKPOINT").exit_code == 0);
  CHECK_FALSE_MESSAGE(std::filesystem::exists(c.data_dir() / "pg_wal" / name), "segment " << name << " outlived its slot");
}
