// An unmodified pg_basebackup (Debian's v15) copies our running primary
// while rows are being written: with its defaults (-X stream: a second
// replication connection, a temporary slot, START_REPLICATION) and -R -P the
// copy has a backup manifest that pg_verifybackup accepts, its WAL is our WAL
// byte for byte, and our postmaster starts it as a standby that shows the
// rows written before, during and after the backup. With -X fetch and other
// manifest options the copy verifies too, and pg_verifybackup catches a
// damaged file; so does a copy made by pmctl basebackup. Bad options get
// PostgreSQL's errors.
//
// pg_waldump cannot read our WAL (it has no PostgreSQL page headers, see
// docs/wal-format.md), so pg_verifybackup runs with --no-parse-wal; the
// first scenario shows that this is the only part it cannot check.
#include <doctest.h>

#include <atomic>
#include <regex>
#include <thread>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"
#include "tests/integration/receivewal_support.h"

using namespace pmemu::integration;
namespace fs = std::filesystem;

namespace {

const std::string kVerifyBackup = "/usr/lib/postgresql/15/bin/pg_verifybackup";

// pg_basebackup against `primary`; `dir` empty when a --target replaces -D.
CmdResult pg_basebackup(Cluster& primary, const fs::path& dir, std::vector<std::string> extra) {
  std::vector<std::string> argv = {"pg_basebackup", "-h", "127.0.0.1", "-p", std::to_string(primary.port()),
                                   "-U", primary.user(), "-w"};
  if (!dir.empty()) argv.insert(argv.end(), {"-D", dir.string()});
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv, std::chrono::seconds(120));
}

CmdResult verify_backup(const fs::path& dir, bool parse_wal) {
  std::vector<std::string> argv = {kVerifyBackup, dir.string()};
  if (!parse_wal) argv.push_back("--no-parse-wal");
  return run_command(argv, std::chrono::seconds(60));
}

// "write-ahead log end point: 0/1000108" from pg_basebackup -v.
std::string reported_lsn(const std::string& err, const std::string& what) {
  std::smatch m;
  if (std::regex_search(err, m, std::regex(what + R"(: ([0-9A-F]+/[0-9A-F]+))"))) return m[1].str();
  return "";
}

std::string count_on(Cluster& c) { return trim(c.psql("SELECT count(*) FROM kv").out); }

// Inserts rows from its own session until stopped or an insert fails;
// failure() may be read only after stop().
class Workload {
 public:
  explicit Workload(Cluster& c) : conn_(c.session()), thread_([this] { run(); }) {}
  ~Workload() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  [[nodiscard]] int inserted() const { return inserted_.load(); }
  [[nodiscard]] bool failed() const { return failed_.load(); }
  [[nodiscard]] const std::string& failure() const { return failure_; }

 private:
  void run() {
    for (int i = 0; !stopping_; ++i) {
      auto r = conn_.exec("INSERT INTO kv VALUES ('during" + std::to_string(i) + "', '" + std::string(100, 'd') + "')");
      if (!r.ok()) {
        failure_ = r.describe();
        failed_ = true;
        return;
      }
      ++inserted_;
    }
  }
  PgConn conn_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> inserted_{0};
  std::atomic<bool> failed_{false};
  std::string failure_;
  std::thread thread_;
};

// The copy's WAL up to `end` equals the primary's: what -X stream received.
void check_streamed_wal(Cluster& primary, const fs::path& copy, const std::string& start, const std::string& end) {
  constexpr std::uint64_t kSeg = 16 * 1024 * 1024;
  const std::uint64_t first = lsn_value(start) / kSeg, last = (lsn_value(end) - 1) / kSeg;
  REQUIRE(first > 0);
  for (std::uint64_t seg = first; seg <= last; ++seg) {
    char name[32];
    std::snprintf(name, sizeof name, "%08X%08X%08X", 1u, static_cast<unsigned>(seg >> 8),
                  static_cast<unsigned>(seg & 0xFF));
    CAPTURE(name);
    const std::string theirs = file_bytes(copy / "pg_wal" / name);
    const std::string ours = file_bytes(primary.data_dir() / "pg_wal" / name);
    const std::uint64_t upto = std::min(kSeg, lsn_value(end) - seg * kSeg);
    REQUIRE(theirs.size() == kSeg);
    REQUIRE(ours.size() == kSeg);
    CHECK(theirs.compare(0, upto, ours, 0, upto) == 0);
  }
}

}  // namespace

TEST_CASE("017 pg_basebackup: a stock -R -P copy taken under load verifies and runs as a standby") {
  Cluster primary("primary");
  primary.init({"wal_keep_size=64MB"});
  primary.start();
  REQUIRE(primary.psql("INSERT INTO kv VALUES ('before', 'b')").exit_code == 0);
  for (int i = 0; i < 4; ++i) {
    std::string sql;
    for (int j = 0; j < 50; ++j) sql += "INSERT INTO kv VALUES ('before" + std::to_string(i * 50 + j) + "', 'b');";
    REQUIRE(primary.psql(sql).exit_code == 0);
  }

  // Rows are being written before pg_basebackup starts and until it is done.
  Cluster standby("standby");
  CmdResult bb;
  int during = 0;
  {
    Workload load(primary);
    wait_for("the workload to be writing", 20s, [&](std::string& seen) {
      seen = std::to_string(load.inserted()) + " rows" + (load.failed() ? ", and an insert failed" : "");
      return load.inserted() >= 20 || load.failed();
    });
    REQUIRE_FALSE(load.failed());
    const int at_start = load.inserted();
    bb = pg_basebackup(primary, standby.data_dir(), {"-R", "-P", "-v"});
    const int at_end = load.inserted();
    load.stop();
    during = load.inserted();
    CHECK_MESSAGE(load.failure().empty(), load.failure());
    CHECK_MESSAGE(at_end > at_start, "no rows were written while the backup ran");
  }
  REQUIRE_MESSAGE(bb.exit_code == 0, bb.describe() << "\n--- primary log:\n" << primary.log());
  CHECK_MESSAGE(contains(bb.err, "1/1 tablespace"), "progress was not shown: " << bb.describe());
  // -X stream, the default: the WAL came over a second connection, from a temporary slot.
  CHECK(contains(bb.err, "starting background WAL receiver"));
  CHECK(contains(bb.err, "created temporary replication slot \"pg_basebackup_"));
  CHECK(contains(bb.err, "base backup completed"));

  const fs::path copy = standby.data_dir();
  CHECK(fs::is_directory(copy / "pg_tblspc"));
  CHECK(fs::is_regular_file(copy / "backup_manifest"));
  CHECK(fs::is_regular_file(copy / "standby.signal"));
  CHECK(contains(read_text(copy / "postgresql.auto.conf"), "primary_conninfo = '"));
  const std::string start = reported_lsn(bb.err, "write-ahead log start point");
  const std::string end = reported_lsn(bb.err, "write-ahead log end point");
  REQUIRE_MESSAGE(lsn_value(end) > lsn_value(start), bb.err);
  check_streamed_wal(primary, copy, start, end);
  const std::string manifest = read_text(copy / "backup_manifest");
  CHECK(contains(manifest, "\"PostgreSQL-Backup-Manifest-Version\": 1,"));
  CHECK(contains(manifest, "{ \"Timeline\": 1, \"Start-LSN\": \"" + start + "\", \"End-LSN\": \"" + end + "\" }"));
  CHECK(contains(manifest, "\"Path\": \"base/kv.image\""));

  // Everything but the WAL verifies; pg_waldump cannot parse our WAL format.
  const CmdResult full = verify_backup(copy, true);
  if (full.exit_code != 0) CHECK_MESSAGE(contains(full.err, "WAL parsing failed"), full.describe());
  const CmdResult v = verify_backup(copy, false);
  REQUIRE_MESSAGE(v.exit_code == 0, v.describe());
  CHECK(contains(v.out, "backup successfully verified"));

  // Rows written after the backup, before and after the standby is up.
  REQUIRE(primary.psql("INSERT INTO kv VALUES ('after1', 'a1')").exit_code == 0);
  standby.append_conf("port = " + std::to_string(standby.port()));
  standby.append_conf("unix_socket_directories = '" + standby.base_dir().string() + "'");
  standby.start();
  standby.wait_for_log("database system is ready to accept read-only connections", 20s);
  REQUIRE(primary.psql("INSERT INTO kv VALUES ('after2', 'a2')").exit_code == 0);
  const std::string want = std::to_string(1 + 200 + during + 2);
  CHECK(count_on(primary) == want);
  wait_for("the standby to show every row (" + want + ")", 30s, [&](std::string& seen) {
    seen = count_on(standby);
    return seen == want;
  });
  CHECK(trim(standby.psql("SELECT v FROM kv WHERE k = 'before'").out) == "b");
  CHECK(trim(standby.psql("SELECT v FROM kv WHERE k = 'during" + std::to_string(during - 1) + "'").out) ==
        std::string(100, 'd'));
  CHECK(trim(standby.psql("SELECT v FROM kv WHERE k = 'after2'").out) == "a2");
  CHECK(trim(standby.psql("SELECT pg_is_in_recovery()").out) == "t");
  wait_for("the standby streaming in pg_stat_replication", 20s, [&](std::string& seen) {
    auto rows = replication_rows(primary);
    seen = primary.psql("SELECT * FROM pg_stat_replication").out;
    return rows.size() == 1 && rows[0][3] == "streaming";
  });
}

TEST_CASE("017 pg_basebackup: -X fetch with SHA-256 and encoded paths verifies, and damage is caught") {
  Cluster primary("primary");
  primary.init({"wal_keep_size=64MB"});
  primary.start();
  REQUIRE(primary.psql("INSERT INTO kv VALUES ('k1', 'v1'); INSERT INTO kv VALUES ('k2', 'v2')").exit_code == 0);

  const fs::path copy = primary.base_dir() / "fetched";
  const CmdResult bb =
      pg_basebackup(primary, copy, {"-X", "fetch", "--manifest-checksums=SHA256", "--manifest-force-encode"});
  REQUIRE_MESSAGE(bb.exit_code == 0, bb.describe() << "\n--- primary log:\n" << primary.log());
  const std::string manifest = read_text(copy / "backup_manifest");
  CHECK(contains(manifest, "\"Encoded-Path\": \"626173652f6b762e696d616765\""));  // base/kv.image
  CHECK_FALSE(contains(manifest, "\"Path\""));
  CHECK(contains(manifest, "\"Checksum-Algorithm\": \"SHA256\""));
  // The WAL came inside the archive: the start segment is there.
  CHECK(fs::is_regular_file(copy / "pg_wal" / "000000010000000000000001"));
  const CmdResult v = verify_backup(copy, false);
  REQUIRE_MESSAGE(v.exit_code == 0, v.describe());

  // One flipped byte in the table image: pg_verifybackup says which file.
  {
    std::fstream f(copy / "base" / "kv.image", std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(10);
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(10);
    f.write(&c, 1);
    REQUIRE(f.good());
  }
  const CmdResult damaged = verify_backup(copy, false);
  CHECK(damaged.exit_code != 0);
  CHECK_MESSAGE(contains(damaged.err, "checksum mismatch for file \"base/kv.image\""), damaged.describe());
}

TEST_CASE("017 pg_basebackup: a pmctl basebackup copy carries a manifest pg_verifybackup accepts") {
  Cluster primary("primary");
  primary.init();
  primary.start();
  REQUIRE(primary.psql("INSERT INTO kv VALUES ('k1', 'v1')").exit_code == 0);
  const fs::path copy = primary.base_dir() / "pmctl_copy";
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(primary.port()) + " user=" + primary.user();
  const CmdResult r = primary.pmctl({"basebackup", "-D", copy.string(), "-d", conninfo});
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe() << "\n--- primary log:\n" << primary.log());
  CHECK(contains(read_text(copy / "backup_manifest"), "\"Checksum-Algorithm\": \"CRC32C\""));
  CHECK_FALSE(fs::exists(copy / "backup_manifest.tmp"));
  CHECK(fs::is_directory(copy / "pg_tblspc"));
  CHECK(fs::is_regular_file(copy / "pg_wal" / "000000010000000000000001"));  // pmctl asks for the WAL
  const CmdResult v = verify_backup(copy, false);
  CHECK_MESSAGE(v.exit_code == 0, v.describe());
}

TEST_CASE("017 pg_basebackup: bad BASE_BACKUP options get PostgreSQL's errors") {
  Cluster primary("primary");
  primary.init();
  primary.start();
  const fs::path copy = primary.base_dir() / "refused";

  const CmdResult md5 = pg_basebackup(primary, copy, {"--manifest-checksums=md5"});
  CHECK(md5.exit_code == 1);
  CHECK_MESSAGE(contains(md5.err, "unrecognized checksum algorithm: \"md5\""), md5.describe());
  CHECK_FALSE(fs::exists(copy / "backup_manifest"));

  const CmdResult target = pg_basebackup(primary, {}, {"-X", "none", "--target=server:/tmp/nowhere"});
  CHECK(target.exit_code == 1);
  CHECK_MESSAGE(contains(target.err, "backup target \"server\" is not supported"), target.describe());

  PgConn repl = PgConn::connect("host=127.0.0.1 port=" + std::to_string(primary.port()) + " user=" + primary.user() +
                                " dbname=replication replication=true");
  REQUIRE_MESSAGE(repl.connected(), repl.connect_error());
  auto r = repl.exec("BASE_BACKUP (MANIFEST 'no', MANIFEST_CHECKSUMS 'SHA256')");
  CHECK(r.sqlstate == "42601");
  CHECK(contains(r.message, "manifest checksums require a backup manifest"));
  r = repl.exec("BASE_BACKUP (MANIFEST 'sometimes')");
  CHECK(r.sqlstate == "42601");
  CHECK(contains(r.message, "unrecognized manifest option: \"sometimes\""));
  // The walsender goes on after an error.
  CHECK(repl.exec("IDENTIFY_SYSTEM").ok());
  CHECK(trim(primary.psql("SELECT 1").out) == "1");
}
