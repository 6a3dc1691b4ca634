// Files the server creates and the settings that guard them: the shared
// segment is 0600 and never one someone else made, leftover WAL temp files
// go at start-up.
#include <doctest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;
namespace fs = std::filesystem;

namespace {

constexpr uid_t kNobody = 65534;

struct stat stat_of(const fs::path& p) {
  struct stat st {};
  REQUIRE_MESSAGE(::lstat(p.c_str(), &st) == 0, "stat " << p);
  return st;
}

unsigned mode_of(const fs::path& p) { return stat_of(p).st_mode & 07777; }

// The shared segment's file for a data directory (its key is the inode).
fs::path segment_path(const fs::path& data_dir) {
  return "/dev/shm/pmemu." + std::to_string(stat_of(data_dir).st_ino);
}

// Removes a file at scope end, whatever the test's outcome.
struct RemoveAtEnd {
  fs::path path;
  ~RemoveAtEnd() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// Entries under `dir` (and `dir` itself) that are not a 0700 directory or a
// 0600 file; sockets are left to unix_socket_permissions.
std::vector<std::string> too_open(const fs::path& dir) {
  std::vector<std::string> bad;
  auto check = [&](const fs::path& p) {
    const struct stat st = stat_of(p);
    const unsigned mode = st.st_mode & 07777;
    char shown[8];
    std::snprintf(shown, sizeof shown, "%04o", mode);
    if ((S_ISDIR(st.st_mode) && mode != 0700) || (S_ISREG(st.st_mode) && mode != 0600))
      bad.push_back(p.string() + " " + shown);
  };
  check(dir);
  for (const auto& e : fs::recursive_directory_iterator(dir)) check(e.path());
  return bad;
}

// Sets the umask for one scope: the test runs the tools under the usual 022.
struct UmaskScope {
  mode_t old;
  explicit UmaskScope(mode_t m) : old(::umask(m)) {}
  ~UmaskScope() { ::umask(old); }
};

}  // namespace

TEST_CASE("021 files: a cluster and a base backup's copy are 0700 directories of 0600 files") {
  UmaskScope usual(022);
  Cluster primary("primary");
  primary.init();
  primary.start();
  REQUIRE(primary.psql("INSERT INTO kv VALUES ('k', 'v')").exit_code == 0);
  REQUIRE(primary.psql("CHECKPOINT").exit_code == 0);
  Cluster standby("standby");
  const CmdResult bb = make_streaming_standby(primary, standby, "s1", {});
  REQUIRE_MESSAGE(bb.exit_code == 0, bb.describe());
  REQUIRE(fs::exists(standby.data_dir() / "backup_manifest"));
  REQUIRE(fs::exists(standby.data_dir() / "standby.signal"));
  REQUIRE(fs::exists(primary.data_dir() / "postmaster.pid"));
  for (const auto* c : {&primary, &standby}) {
    const auto bad = too_open(c->data_dir());
    std::string all;
    for (const auto& b : bad) all += b + "\n";
    CHECK_MESSAGE(bad.empty(), "too open:\n" << all);
  }
}

TEST_CASE("021 files: the shared segment is created 0600 and owned by the server's user") {
  Cluster c;
  c.init();
  c.start();
  const fs::path seg = segment_path(c.data_dir());
  CHECK(mode_of(seg) == 0600);
  CHECK(stat_of(seg).st_uid == ::geteuid());
}

TEST_CASE("021 files: a segment name pre-created by another user stops start-up, untouched") {
  if (::geteuid() != 0) {
    MESSAGE("not root: cannot make a file owned by another user; skipped");
    return;
  }
  Cluster c;
  c.init();
  const fs::path seg = segment_path(c.data_dir());
  RemoveAtEnd cleanup{seg};
  std::ofstream(seg) << "planted";
  REQUIRE(::chown(seg.c_str(), kNobody, kNobody) == 0);
  REQUIRE(::chmod(seg.c_str(), 0666) == 0);

  const CmdResult r = c.try_start();
  CHECK_MESSAGE(r.exit_code != 0, r.describe());
  c.wait_for_log("FATAL:  shared memory segment \"" + seg.string() + "\" is owned by another user (uid 65534)", 10s);
  CHECK(stat_of(seg).st_uid == kNobody);
  CHECK(read_text(seg) == "planted");
}

TEST_CASE("021 files: a symbolic link under the segment's name is not followed") {
  Cluster c;
  c.init();
  const fs::path seg = segment_path(c.data_dir());
  const fs::path target = c.base_dir() / "target";
  std::ofstream(target) << "target";
  RemoveAtEnd cleanup{seg};
  fs::create_symlink(target, seg);

  const CmdResult r = c.try_start();
  CHECK_MESSAGE(r.exit_code != 0, r.describe());
  c.wait_for_log("FATAL:  shared memory segment \"" + seg.string() + "\" is a symbolic link", 10s);
  CHECK(read_text(target) == "target");
}

TEST_CASE("021 files: leftover pg_wal/xlogtemp files are removed at start-up") {
  Cluster c;
  c.init();
  const fs::path temp = c.data_dir() / "pg_wal" / "xlogtemp.4194303";
  std::ofstream(temp) << "half a segment";
  c.start();
  CHECK_FALSE(fs::exists(temp));
}

TEST_CASE("021 config: unix_socket_permissions sets the socket file's mode (default 0777)") {
  Cluster c;
  c.init();
  c.start();
  const fs::path sock = c.base_dir() / (".s.PGSQL." + std::to_string(c.port()));
  CHECK(mode_of(sock) == 0777);
  REQUIRE(c.stop("fast").exit_code == 0);

  c.append_conf("unix_socket_permissions = 0700");
  c.start();
  CHECK(mode_of(sock) == 0700);
  CHECK(trim(c.psql("SHOW unix_socket_permissions", Via::UnixSocket).out) == "0700");
}

TEST_CASE("021 config: a zero byte in a setting is refused on reload; the old value stays and backends start") {
  using namespace std::string_view_literals;
  Cluster c;
  c.init();
  c.start();
  const size_t before = c.log_size();
  // libpq sends no application_name of its own, so the backend reports the
  // configured one in ParameterStatus, where a zero byte cannot go.
  c.append_conf("application_name = 'a\0b'"sv);
  REQUIRE(c.pmctl({"reload", "-D", c.data_dir().string()}).exit_code == 0);
  c.wait_for_log(R"(invalid value for parameter "application_name": "a\0b")", 10s, before);
  PgConn s = PgConn::connect(std::regex_replace(c.conninfo(), std::regex(" application_name=\\S+"), ""));
  REQUIRE_MESSAGE(s.connected(), s.connect_error() << "\n--- log:\n" << c.log());
  const QueryResult r = s.exec("SHOW application_name");
  REQUIRE_MESSAGE(r.ok(), r.describe());
  CHECK_MESSAGE(r.get().empty(), r.get());
}

TEST_CASE("021 config: a zero byte in a setting stops start-up with a FATAL naming it") {
  using namespace std::string_view_literals;
  Cluster c;
  c.init();
  c.append_conf("cluster_name = 'x\0y'"sv);
  const CmdResult r = c.try_start();
  CHECK_MESSAGE(r.exit_code != 0, r.describe());
  c.wait_for_log(R"(FATAL:  invalid value for parameter "cluster_name": "x\0y")", 10s);
}

TEST_CASE("021 config: superuser_reserved_connections not below max_connections stops start-up") {
  Cluster c;
  c.init({"max_connections=3", "superuser_reserved_connections=3"});
  const CmdResult r = c.try_start();
  CHECK_MESSAGE(r.exit_code != 0, r.describe());
  c.wait_for_log("FATAL:  superuser_reserved_connections (3) must be less than max_connections (3)", 10s);
}
