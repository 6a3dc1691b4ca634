// A standby follows a timeline switch, as PostgreSQL 15's recovery test
// 004_timeline_switch does: the primary stops, standby s1 is promoted to
// timeline 2, standby s2 is re-pointed at s1 by editing primary_conninfo and
// reloading; s2 fetches 00000002.history, streams the rest of timeline 1
// from s1, then timeline 2 on the same connection, and keeps doing so after
// a restart. Also: the walsender's side of historic timelines, byte for
// byte, and a primary_conninfo change restarting a running walreceiver.
#include <doctest.h>

#include <libpq-fe.h>
#include <poll.h>

#include <filesystem>
#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/repl_client.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"
#include "tests/integration/receivewal_support.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

std::string count_on(Cluster& c) { return trim(c.psql("SELECT count(*) FROM kv").out); }

void wait_for_count(Cluster& c, const std::string& want) {
  wait_for("count(*) = " + want + " on " + c.data_dir().string(), 30s, [&](std::string& seen) {
    seen = count_on(c);
    return seen == want;
  });
}

void write_rows(Cluster& c, const std::string& prefix, int n) {
  PgConn s = c.session();
  for (int i = 0; i < n; ++i) REQUIRE(s.exec("INSERT INTO kv VALUES ('" + prefix + std::to_string(i) + "', 'v')").ok());
}

// Points `standby` at `upstream` the way an operator does: a later line in
// postgresql.auto.conf, then a reload.
void repoint(Cluster& standby, const Cluster& upstream, const std::string& app) {
  standby.append_conf("primary_conninfo = '" + streaming_conninfo(upstream, app) + "'", "postgresql.auto.conf");
  const CmdResult r = standby.pmctl({"reload", "-D", standby.data_dir().string()});
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
}

void promote(Cluster& c) {
  const CmdResult r = c.pmctl({"promote", "-D", c.data_dir().string(), "-w"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe() << "\n" << c.log());
  c.wait_for_log("database system is ready to accept connections", 20s);
}

// The switch point of timeline 1 in `c`'s 00000002.history.
std::string switch_point_of_tli1(Cluster& c) {
  const std::string history = read_text(c.data_dir() / "pg_wal" / "00000002.history");
  std::smatch m;
  const std::regex re(R"(^1\t([0-9A-F]+/[0-9A-F]+)\t)");
  REQUIRE_MESSAGE(std::regex_search(history, m, re), "history file: " << history);
  return m[1].str();
}

// pg_stat_wal_receiver's status and received_tli on `c`, "status|tli".
std::string wal_receiver_state(Cluster& c) {
  PgConn s = c.session();
  auto r = s.exec("SELECT * FROM pg_stat_wal_receiver");
  if (r.rows.size() != 1) return r.describe();
  return r.get(0, 1) + "|" + r.get(0, 5);
}

// Rows spread over three segments, so timeline 1 ends in a later segment
// than streaming starts in.
void write_across_segments(Cluster& c, const std::string& prefix) {
  write_rows(c, prefix + "a", 10);
  REQUIRE(c.session().exec("SELECT pg_switch_wal()").ok());
  write_rows(c, prefix + "b", 10);
  REQUIRE(c.session().exec("SELECT pg_switch_wal()").ok());
  write_rows(c, prefix + "c", 10);
}

struct PrimaryAndStandbys {
  Cluster primary{"primary"};
  Cluster s1{"s1"};
  Cluster s2{"s2"};

  PrimaryAndStandbys() {
    primary.init({"wal_keep_size=64MB"});
    primary.start();
    write_rows(primary, "p", 50);
    for (Cluster* s : {&s1, &s2}) {
      (void)make_streaming_standby(primary, *s, s == &s1 ? "s1" : "s2", {}, {"wal_retrieve_retry_interval = 200ms"});
      s->start();
      s->wait_for_log("database system is ready to accept read-only connections", 20s);
      wait_for_count(*s, "50");
    }
  }
};

}  // namespace

TEST_CASE("016 a standby follows its promoted sibling to timeline 2, also after a restart") {
  PrimaryAndStandbys c;
  write_across_segments(c.primary, "q");
  // Both standbys hold everything through the primary's shutdown checkpoint (scenario 014).
  REQUIRE(c.primary.stop("fast").exit_code == 0);
  promote(c.s1);
  const std::string switch_point = switch_point_of_tli1(c.s1);

  const size_t from = c.s2.log_size();
  repoint(c.s2, c.s1, "s2");
  write_rows(c.s1, "s", 30);
  wait_for_count(c.s2, "110");
  CHECK(trim(c.s2.psql("SELECT v FROM kv WHERE k = 's29'").out) == "v");
  wait_for("s2's walreceiver to stream timeline 2", 20s, [&](std::string& seen) {
    seen = wal_receiver_state(c.s2);
    return seen == "streaming|2";
  });
  wait_for("s1 to see s2 streaming", 20s, [&](std::string& seen) {
    auto rows = replication_rows(c.s1);
    seen = std::to_string(rows.size()) + " rows";
    return rows.size() == 1 && rows[0][1] == "s2" && rows[0][3] == "streaming";
  });
  CHECK(std::filesystem::exists(c.s2.data_dir() / "pg_wal" / "00000002.history"));
  CHECK(read_text(c.s2.data_dir() / "pg_wal" / "00000002.history") ==
        read_text(c.s1.data_dir() / "pg_wal" / "00000002.history"));

  // One walreceiver did it all: it fetched the history, streamed the rest
  // of timeline 1 to the switch point, then timeline 2 on the same connection.
  const std::string log = c.s2.log().substr(from);
  std::smatch fetched, ended, restarted;
  REQUIRE_MESSAGE(std::regex_search(log, fetched, std::regex(R"(\[(\d+)\] walreceiver LOG:  fetching timeline history file for timeline 2 from primary server)")), log);
  REQUIRE_MESSAGE(std::regex_search(log, ended, std::regex(R"(\[(\d+)\] walreceiver DETAIL:  End of WAL reached on timeline 1 at )" + switch_point)), log);
  REQUIRE_MESSAGE(std::regex_search(log, restarted, std::regex(R"(\[(\d+)\] walreceiver LOG:  restarted WAL streaming at [0-9A-F]+/[0-9A-F]+ on timeline 2)")), log);
  CHECK(fetched[1] == restarted[1]);
  CHECK(ended[1] == restarted[1]);
  CHECK(contains(log, "new target timeline is 2"));
  CHECK(controldata_field(c.s2, "Min recovery ending loc's timeline") == "2");
  CHECK(controldata_field(c.s2, "Minimum recovery ending location") == switch_point);

  // A restart replays timeline 1 and then timeline 2 from local files and
  // streams timeline 2 from s1 again.
  REQUIRE(c.s2.stop("fast").exit_code == 0);
  c.s2.start();
  c.s2.wait_for_log_count("database system is ready to accept read-only connections", 2, 20s);
  write_rows(c.s1, "t", 10);
  wait_for_count(c.s2, "120");
  wait_for("s2's walreceiver to stream timeline 2 after the restart", 20s, [&](std::string& seen) {
    seen = wal_receiver_state(c.s2);
    return seen == "streaming|2";
  });
  CHECK(c.s2.count_in_log("started streaming WAL from primary at ", from) >= 2);
  CHECK(trim(c.s2.psql("SELECT pg_is_in_recovery()").out) == "t");

  // Promoted in turn, s2 branches off timeline 2 and remembers all of it.
  promote(c.s2);
  c.s2.wait_for_log("selected new timeline ID: 3", 10s, from);
  const auto history3 = lines_of(read_text(c.s2.data_dir() / "pg_wal" / "00000003.history"));
  REQUIRE(history3.size() == 2);
  CHECK(history3[0].rfind("1\t" + switch_point + "\t", 0) == 0);
  CHECK(history3[1].rfind("2\t", 0) == 0);
  REQUIRE(c.s2.session().exec("INSERT INTO kv VALUES ('on_s2', 'tli3')").ok());
  CHECK(count_on(c.s2) == "121");
  CHECK(controldata_field(c.s2, "Latest checkpoint's TimeLineID") == "3");
  CHECK(controldata_field(c.s2, "Min recovery ending loc's timeline") == "0");
}

TEST_CASE("016 a standby that is behind gets the rest of timeline 1 from the promoted standby") {
  PrimaryAndStandbys c;
  // s2 misses three segments' worth of timeline 1.
  REQUIRE(c.s2.stop("fast").exit_code == 0);
  write_across_segments(c.primary, "q");
  REQUIRE(c.primary.stop("fast").exit_code == 0);
  promote(c.s1);
  write_rows(c.s1, "s", 20);

  c.s2.append_conf("primary_conninfo = '" + streaming_conninfo(c.s1, "s2") + "'", "postgresql.auto.conf");
  const size_t from = c.s2.log_size();
  c.s2.start();
  wait_for_count(c.s2, "100");
  const std::string log = c.s2.log().substr(from);
  CHECK_MESSAGE(contains(log, "started streaming WAL from primary at 0/1000000 on timeline 1"), log);
  CHECK_MESSAGE(contains(log, "End of WAL reached on timeline 1 at " + switch_point_of_tli1(c.s1) + "."), log);
  CHECK(contains(log, "new target timeline is 2"));
  wait_for("s2's walreceiver to stream timeline 2", 20s, [&](std::string& seen) {
    seen = wal_receiver_state(c.s2);
    return seen == "streaming|2";
  });
  // Timeline 1's files came from s1, whose copy of the switch segment
  // lives under timeline 2's name: the bytes are the old primary's.
  const std::string seg = "000000010000000000000003";
  const std::size_t used = lsn_value(switch_point_of_tli1(c.s1)) % (16 * 1024 * 1024);
  REQUIRE(used > 0);
  CHECK(file_bytes(c.s2.data_dir() / "pg_wal" / seg).substr(0, used) ==
        file_bytes(c.primary.data_dir() / "pg_wal" / seg).substr(0, used));
}

TEST_CASE("016 walsender: a timeline this server has left is streamed to its switch point") {
  Cluster primary("primary"), s1("s1");
  primary.init({"wal_keep_size=64MB"});
  primary.start();
  write_rows(primary, "p", 10);
  (void)make_streaming_standby(primary, s1, "s1");
  s1.start();
  s1.wait_for_log("database system is ready to accept read-only connections", 20s);
  write_across_segments(primary, "q");
  REQUIRE(primary.stop("fast").exit_code == 0);
  promote(s1);
  const std::string sp = switch_point_of_tli1(s1);
  const std::uint64_t sp_value = lsn_value(sp);
  const std::uint64_t seg_size = 16 * 1024 * 1024;

  ReplClient r(s1);
  auto id = r.command("IDENTIFY_SYSTEM");
  REQUIRE(id.size() == 1);
  CHECK(id[0].rows.at(0).at(1) == "2");
  auto hist = r.command("TIMELINE_HISTORY 2");
  REQUIRE(hist.size() == 1);
  CHECK(hist[0].rows.at(0).at(0) == "00000002.history");
  CHECK(hist[0].rows.at(0).at(1) == read_text(s1.data_dir() / "pg_wal" / "00000002.history"));

  // Past the switch point, and a timeline that is not in the history.
  char past[32];
  std::snprintf(past, sizeof past, "%X/%X", static_cast<unsigned>((sp_value + 8) >> 32),
                static_cast<unsigned>(sp_value + 8));
  auto bad = r.command(std::string("START_REPLICATION ") + past + " TIMELINE 1");
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].status == PGRES_FATAL_ERROR);
  CHECK(bad[0].message == std::string("requested starting point ") + past + " on timeline 1 is not in this server's history");
  CHECK(bad[0].detail == "This server's history forked from timeline 1 at " + sp + ".");
  auto unknown = r.command("START_REPLICATION 0/1000000 TIMELINE 3");
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].message == "requested timeline 3 is not in this server's history");

  // Exactly at the switch point: no COPY, only the next timeline.
  auto at_end = r.command("START_REPLICATION " + sp + " TIMELINE 1");
  REQUIRE_MESSAGE(at_end.size() == 2, at_end.size());
  CHECK(at_end[0].status == PGRES_TUPLES_OK);
  CHECK(at_end[0].columns == std::vector<std::string>{"next_tli", "next_tli_startpos"});
  CHECK(at_end[0].types == std::vector<Oid>{20, 25});
  CHECK(at_end[0].rows == std::vector<std::vector<std::string>>{{"2", sp}});
  CHECK(at_end[0].tag == "START_STREAMING");
  CHECK(at_end[1].status == PGRES_COMMAND_OK);

  // From the first segment: the old primary's WAL up to the switch point,
  // then the server ends the COPY and names timeline 2.
  auto copy = r.command("START_REPLICATION 0/1000000 TIMELINE 1");
  REQUIRE(copy.size() == 1);
  REQUIRE_MESSAGE(copy[0].status == PGRES_COPY_BOTH, copy[0].describe());
  const std::string wal = r.wal_until_copy_done(seg_size);
  CHECK(wal.size() == sp_value - seg_size);
  std::string old_primary;
  for (int seg = 1; seg * seg_size < sp_value; ++seg) {
    char name[32];
    std::snprintf(name, sizeof name, "0000000100000000000000%02X", seg);
    old_primary += file_bytes(primary.data_dir() / "pg_wal" / name);
  }
  CHECK(wal == old_primary.substr(0, wal.size()));
  auto after = r.end_copy();
  REQUIRE_MESSAGE(after.size() == 2, after.size());
  CHECK(after[0].rows == std::vector<std::vector<std::string>>{{"2", sp}});
  CHECK(after[1].status == PGRES_COMMAND_OK);
  // The session goes on.
  CHECK(r.command("IDENTIFY_SYSTEM").at(0).status == PGRES_TUPLES_OK);
}

TEST_CASE("016 a primary_conninfo change at reload restarts a running walreceiver") {
  Cluster primary("primary"), s2("s2");
  primary.init({"wal_keep_size=64MB"});
  primary.start();
  (void)make_streaming_standby(primary, s2, "s2");
  s2.start();
  s2.wait_for_log("database system is ready to accept read-only connections", 20s);
  wait_for("s2 streaming", 20s, [&](std::string& seen) {
    seen = wal_receiver_state(s2);
    return seen == "streaming|1";
  });
  const auto before = s2.pids_by_title("walreceiver");
  REQUIRE(before.size() == 1);

  const size_t from = s2.log_size();
  repoint(s2, primary, "renamed");
  s2.wait_for_log("startup LOG:  WAL receiver process shutdown requested", 20s, from);
  s2.wait_for_log("walreceiver FATAL:  terminating walreceiver process due to administrator command", 20s, from);
  wait_for("the primary to see the walreceiver under its new name", 20s, [&](std::string& seen) {
    auto rows = replication_rows(primary);
    seen = rows.empty() ? "no rows" : rows[0][1] + " " + rows[0][3];
    return rows.size() == 1 && rows[0][1] == "renamed" && rows[0][3] == "streaming";
  });
  const auto after = s2.pids_by_title("walreceiver");
  REQUIRE(after.size() == 1);
  CHECK(after[0] != before[0]);
  write_rows(primary, "r", 5);
  wait_for_count(s2, "5");

  // A reload that changes nothing leaves the walreceiver alone.
  const size_t quiet = s2.log_size();
  REQUIRE(s2.pmctl({"reload", "-D", s2.data_dir().string()}).exit_code == 0);
  s2.wait_for_log("received SIGHUP, reloading configuration files", 10s, quiet);
  write_rows(primary, "s", 5);
  wait_for_count(s2, "10");
  CHECK(s2.count_in_log("WAL receiver process shutdown requested", quiet) == 0);
  CHECK(s2.pids_by_title("walreceiver") == after);
}
