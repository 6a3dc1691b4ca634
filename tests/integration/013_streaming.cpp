// A primary and two standbys made with pmctl basebackup -R: rows reach both,
// pg_stat_replication and pg_stat_wal_receiver show the streams, standbys
// refuse writes, a synchronous standby holds commits until it confirms, and
// a promoted standby takes writes.
#include <doctest.h>

#include <future>
#include <thread>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

// pmctl basebackup -R into `standby`'s (not yet created) data directory.
void base_backup(Cluster& primary, Cluster& standby, const std::string& app) {
  const CmdResult r = make_streaming_standby(primary, standby, app, {"-P"});
  CHECK_MESSAGE(contains(r.err, "kB"), "progress was not shown: " << r.describe());
}

std::string count_on(Cluster& c) { return trim(c.psql("SELECT count(*) FROM kv").out); }

void wait_for_count(Cluster& c, const std::string& want) {
  wait_for("count(*) = " + want + " on a standby", 20s, [&](std::string& seen) {
    seen = count_on(c);
    return seen == want;
  });
}

// Sum of one pg_stat_imessage counter over the processes of `type`
// (columns: pid, backend_type, queued, sent, received, bytes, full_waits).
long imessage_count(PgConn& c, const std::string& type, int column) {
  auto r = c.exec("SELECT * FROM pg_stat_imessage");
  REQUIRE_MESSAGE(r.ok(), r.describe());
  long sum = 0;
  for (auto& row : r.rows)
    if (row.size() == 7 && row[1] == type) sum += std::stol(row[column]);
  return sum;
}
constexpr int kSentColumn = 3, kReceivedColumn = 4;

}  // namespace

TEST_CASE("013 streaming: two standbys from base backups follow the primary") {
  Cluster primary("primary");
  primary.init({"wal_keep_size=64MB"});
  primary.start();
  PgConn p = primary.session();
  for (int i = 0; i < 100; ++i) REQUIRE(p.exec("INSERT INTO kv VALUES ('a" + std::to_string(i) + "', 'v')").ok());

  Cluster s1("s1"), s2("s2");
  base_backup(primary, s1, "s1");
  base_backup(primary, s2, "s2");
  s1.start();
  s2.start();
  s1.wait_for_log("database system is ready to accept read-only connections", 20s);
  s2.wait_for_log("database system is ready to accept read-only connections", 20s);
  wait_for_count(s1, "100");
  wait_for_count(s2, "100");

  for (int i = 0; i < 50; ++i) REQUIRE(p.exec("INSERT INTO kv VALUES ('b" + std::to_string(i) + "', 'w')").ok());
  REQUIRE(p.exec("UPDATE kv SET v = 'changed' WHERE k = 'a7'").ok());
  REQUIRE(p.exec("DELETE FROM kv WHERE k = 'a8'").ok());
  wait_for_count(s1, "149");
  wait_for_count(s2, "149");
  CHECK(trim(s1.psql("SELECT v FROM kv WHERE k = 'a7'").out) == "changed");

  // The wake-ups travelled as imessages: flushes to the walsenders, and the
  // walreceiver's flushes to the startup process.
  CHECK(imessage_count(p, "walsender", kReceivedColumn) > 0);
  {
    PgConn q1 = s1.session();
    CHECK(imessage_count(q1, "walreceiver", kSentColumn) > 0);
    CHECK(imessage_count(q1, "startup", kReceivedColumn) > 0);
  }

  // The primary sees two streaming standbys at sensible positions.
  wait_for("two streaming rows in pg_stat_replication", 20s, [&](std::string& seen) {
    auto r = p.exec("SELECT * FROM pg_stat_replication");
    seen = r.describe();
    int streaming = 0;
    for (auto& row : r.rows)
      if (row.size() > 3 && row[3] == "streaming" && !row[6].empty()) ++streaming;
    return r.ok() && streaming == 2;
  });
  const std::string flush_lsn = p.exec("SELECT pg_current_wal_flush_lsn()").get();
  wait_for("both standbys to report the primary's flush position", 20s, [&](std::string& seen) {
    auto r = p.exec("SELECT * FROM pg_stat_replication");
    seen = r.describe();
    if (r.rows.size() != 2) return false;
    return r.rows[0][6] == flush_lsn && r.rows[1][6] == flush_lsn;
  });

  // The standby's side of the stream.
  PgConn r1 = s1.session();
  auto wr = r1.exec("SELECT * FROM pg_stat_wal_receiver");
  REQUIRE_MESSAGE(wr.ok(), wr.describe());
  REQUIRE(wr.rows.size() == 1);
  CHECK(wr.rows[0][1] == "streaming");
  CHECK(r1.exec("SELECT pg_is_in_recovery()").get() == "t");
  CHECK(r1.exec("INSERT INTO kv VALUES ('no', 'no')").sqlstate == "25006");
  wait_for("replay to reach the primary's flush position on s1", 20s, [&](std::string& seen) {
    seen = r1.exec("SELECT pg_last_wal_replay_lsn()").get();
    return seen == flush_lsn;
  });

  // Promote s2: it takes writes on a new timeline.
  const CmdResult pr = s2.pmctl({"promote", "-D", s2.data_dir().string(), "-w"});
  REQUIRE_MESSAGE(pr.exit_code == 0, pr.describe() << "\n" << s2.log());
  PgConn w2 = s2.session();
  CHECK(w2.exec("SELECT pg_is_in_recovery()").get() == "f");
  CHECK(w2.exec("INSERT INTO kv VALUES ('on_s2', 'yes')").ok());
  CHECK(w2.exec("SELECT count(*) FROM kv").get() == "150");
}

TEST_CASE("013 streaming: a synchronous standby holds commits until it confirms") {
  Cluster primary("primary");
  primary.init({"wal_keep_size=64MB"});
  primary.start();
  Cluster s1("s1");
  base_backup(primary, s1, "s1");
  s1.start();
  s1.wait_for_log("database system is ready to accept read-only connections", 20s);

  primary.append_conf("synchronous_standby_names = 's1'");
  REQUIRE(primary.pmctl({"reload", "-D", primary.data_dir().string()}).exit_code == 0);
  PgConn p = primary.session();
  wait_for("s1 to be the sync standby", 20s, [&](std::string& seen) {
    auto r = p.exec("SELECT * FROM pg_stat_replication");
    seen = r.describe();
    return r.rows.size() == 1 && r.rows[0][8] == "sync";
  });
  REQUIRE(p.exec("INSERT INTO kv VALUES ('sync1', 'x')").ok());  // confirmed at once
  // A commit that had to wait for the standby is woken by a kSyncRepReleased
  // imessage (counted on our own process slot). A commit whose standby
  // confirmed before the session looked (a descheduled backend on a loaded
  // machine) waits for nothing, so commit until one waited.
  const std::string me = p.exec("SELECT pg_backend_pid()").get();
  int commits = 0;
  wait_for("a commit woken by a release message", 30s, [&](std::string& seen) {
    REQUIRE(p.exec("UPDATE kv SET v = 'x" + std::to_string(commits++) + "' WHERE k = 'sync1'").ok());
    auto stats = p.exec("SELECT * FROM pg_stat_imessage");
    REQUIRE_MESSAGE(stats.ok(), stats.describe());
    seen = std::to_string(commits) + " commits; " + stats.describe();
    for (auto& row : stats.rows)
      if (row.size() == 7 && row[0] == me) return std::stol(row[kReceivedColumn]) > 0;
    return false;
  });
  // synchronous_commit = on promises the standby's flush, not its replay.
  wait_for_count(s1, "1");

  // With the only sync standby down, a commit waits...
  REQUIRE(s1.stop("fast").exit_code == 0);
  auto pending = std::async(std::launch::async, [&] { return p.exec("INSERT INTO kv VALUES ('sync2', 'y')"); });
  CHECK(pending.wait_for(1500ms) == std::future_status::timeout);
  // ...and completes the moment the standby is back.
  s1.start();
  REQUIRE(pending.wait_for(30s) == std::future_status::ready);
  auto r = pending.get();
  CHECK_MESSAGE(r.ok(), r.describe());
  wait_for_count(s1, "2");
  CHECK(trim(s1.psql("SELECT v FROM kv WHERE k = 'sync2'").out) == "y");
}
