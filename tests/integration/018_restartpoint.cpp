// Restartpoints on a standby: CHECKPOINT there (and checkpoint_timeout)
// makes the checkpointer record the last replayed checkpoint in pg_control,
// write the table image and drop WAL before its redo point, so a restarted
// standby replays from there instead of from its base backup.
#include <doctest.h>

#include <filesystem>
#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"
#include "tests/integration/receivewal_support.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kSegment = 16 * 1024 * 1024;

// Segment numbers (timeline ignored) of the WAL files in `c`'s pg_wal.
std::vector<std::uint64_t> segments_of(Cluster& c) {
  std::vector<std::uint64_t> out;
  static const std::regex name("^[0-9A-F]{8}([0-9A-F]{8})([0-9A-F]{8})$");
  for (auto& e : fs::directory_iterator(c.data_dir() / "pg_wal")) {
    std::smatch m;
    const std::string n = e.path().filename().string();
    if (std::regex_match(n, m, name))
      out.push_back(std::stoull(m[1].str(), nullptr, 16) * (0x100000000ull / kSegment) + std::stoull(m[2].str(), nullptr, 16));
  }
  return out;
}

void wait_replayed(Cluster& standby, const std::string& lsn) {
  wait_for("the standby to replay " + lsn, 20s, [&](std::string& seen) {
    seen = trim(standby.psql("SELECT pg_last_wal_replay_lsn()").out);
    return lsn_value(seen) >= lsn_value(lsn);
  });
}

}  // namespace

TEST_CASE("018 CHECKPOINT on a standby makes a restartpoint; a restart replays from it") {
  Cluster primary("primary"), standby("standby");
  primary.init({"wal_keep_size=256MB"});
  primary.start();
  (void)make_streaming_standby(primary, standby, "standby", {}, {"wal_keep_size = 0"});
  standby.start();
  standby.wait_for_log("database system is ready to accept read-only connections", 20s);
  const std::string backup_redo = controldata_field(standby, "Latest checkpoint's REDO location");
  REQUIRE(lsn_value(backup_redo) > 0);

  {
    PgConn p = primary.session();
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 20; ++i)
        REQUIRE(p.exec("INSERT INTO kv VALUES ('r" + std::to_string(round) + "_" + std::to_string(i) + "', 'v')").ok());
      REQUIRE(p.exec("SELECT pg_switch_wal()").ok());
    }
    REQUIRE(p.exec("CHECKPOINT").ok());
    REQUIRE(p.exec("INSERT INTO kv VALUES ('after_checkpoint', 'v')").ok());
  }
  const std::string ckpt = controldata_field(primary, "Latest checkpoint location");
  const std::string redo = controldata_field(primary, "Latest checkpoint's REDO location");
  REQUIRE(lsn_value(redo) > lsn_value(backup_redo) + 2 * kSegment);
  wait_replayed(standby, trim(primary.psql("SELECT pg_current_wal_flush_lsn()").out));

  // Before: the standby still names the base backup's checkpoint and keeps its WAL.
  CHECK(controldata_field(standby, "Latest checkpoint's REDO location") == backup_redo);
  auto before = segments_of(standby);
  CHECK(*std::min_element(before.begin(), before.end()) <= lsn_value(backup_redo) / kSegment);

  const size_t from = standby.log_size();
  auto r = standby.psql("CHECKPOINT");
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
  CHECK(trim(r.out) == "CHECKPOINT");
  standby.wait_for_log("recovery restart point at " + redo, 10s, from);
  CHECK(controldata_field(standby, "Latest checkpoint location") == ckpt);
  CHECK(controldata_field(standby, "Latest checkpoint's REDO location") == redo);
  CHECK(controldata_field(standby, "Database cluster state") == "in archive recovery");
  for (std::uint64_t seg : segments_of(standby))
    CHECK_MESSAGE(seg >= lsn_value(redo) / kSegment, "segment " << seg << " survived the restartpoint at " << redo);

  // Nothing new to restart from: CHECKPOINT still succeeds and changes nothing.
  r = standby.psql("CHECKPOINT");
  CHECK_MESSAGE(r.exit_code == 0, r.describe());
  CHECK(controldata_field(standby, "Latest checkpoint location") == ckpt);

  // A restart replays from the restartpoint, not from the base backup.
  REQUIRE(standby.stop("fast").exit_code == 0);
  const size_t restart_from = standby.log_size();
  standby.start();
  standby.wait_for_log("database system is ready to accept read-only connections", 20s, restart_from);
  std::smatch m;
  const std::string log = standby.log().substr(restart_from);
  REQUIRE_MESSAGE(std::regex_search(log, m, std::regex(R"(redo starts at ([0-9A-F]+/[0-9A-F]+))")), log);
  CHECK(lsn_value(m[1].str()) >= lsn_value(redo));
  CHECK(trim(standby.psql("SELECT count(*) FROM kv").out) == "61");

  // And it goes on following the primary.
  REQUIRE(primary.psql("INSERT INTO kv VALUES ('after_restart', 'v')").exit_code == 0);
  wait_for("the new row on the standby", 20s, [&](std::string& seen) {
    seen = trim(standby.psql("SELECT count(*) FROM kv").out);
    return seen == "62";
  });
}
