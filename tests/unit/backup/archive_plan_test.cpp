// What base.tar holds: the data files in order with the directories
// pg_basebackup needs, which files the manifest lists, and the WAL range
// with its gap check.
#include <doctest.h>

#include <filesystem>
#include <fstream>

#include "backup/archive_plan.h"
#include "tests/unit/wal/temp_dir.h"
#include "wal/segment.h"

using namespace pmemu;
using namespace pmemu::backup;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kSeg = 1024 * 1024;  // the smallest segment size keeps the files small

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A data directory with the files a base backup reads.
void make_data_dir(const std::string& dir) {
  write(fs::path(dir) / "PG_VERSION", "15\n");
  write(fs::path(dir) / "postgresql.conf", "port = 5432\n");
  write(fs::path(dir) / "pg_hba.conf", "local all all trust\n");
  write(fs::path(dir) / "global" / "pg_authid", "roles");
  write(fs::path(dir) / "base" / "kv.image", "image");
  fs::create_directories(fs::path(dir) / "pg_wal");
}

void make_segment(const std::string& dir, std::uint64_t segno, std::uint32_t tli = 1) {
  write(fs::path(dir) / "pg_wal" / wal::segment_file_name(TimeLineId{tli}, SegNo{segno}, kSeg), "wal");
}

std::vector<std::string> names(const std::vector<ArchiveMember>& members) {
  std::vector<std::string> out;
  for (const auto& m : members) out.push_back(m.name);
  return out;
}

}  // namespace

TEST_CASE("the data files come in order, with pg_control as captured and the empty directories") {
  wal::testing::TempDir dir;
  make_data_dir(dir.path());
  auto planned = plan_data_files(dir.path(), CapturedFile{"control bytes", 1700000000});
  REQUIRE(std::holds_alternative<std::vector<ArchiveMember>>(planned));
  const auto& m = std::get<std::vector<ArchiveMember>>(planned);
  // postgresql.auto.conf is missing here, so it is left out.
  CHECK(names(m) == std::vector<std::string>{"PG_VERSION", "postgresql.conf", "pg_hba.conf", "global",
                                             "global/pg_control", "global/pg_authid", "base", "base/kv.image",
                                             "pg_replslot", "pg_tblspc", "pg_wal"});
  for (const auto& member : m) {
    CAPTURE(member.name);
    CHECK(member.in_manifest == (member.type == TarEntryType::File));
    CHECK(member.contents.has_value());
  }
  CHECK(*m[4].contents == "control bytes");
  CHECK(m[4].mtime == 1700000000);
  CHECK(*m[7].contents == "image");
  CHECK(m[7].size == 5);
}

TEST_CASE("a data file that cannot be read fails the plan with its name") {
  wal::testing::TempDir dir;
  make_data_dir(dir.path());
  fs::remove(fs::path(dir.path()) / "base" / "kv.image");
  auto planned = plan_data_files(dir.path(), CapturedFile{"c", 0});
  REQUIRE(std::holds_alternative<std::string>(planned));
  CHECK(std::get<std::string>(planned) == "could not read file \"base/kv.image\"");
}

TEST_CASE("the WAL from the start segment to the end segment, with history files, outside the manifest") {
  wal::testing::TempDir dir;
  make_data_dir(dir.path());
  for (std::uint64_t s : {1u, 2u, 3u, 4u, 5u}) make_segment(dir.path(), s);
  make_segment(dir.path(), 3, 2);  // another timeline: not ours
  write(fs::path(dir.path()) / "pg_wal" / "00000002.history", "1\t0/3000000\tno reason\n");
  std::vector<ArchiveMember> m;
  // From the middle of segment 2 to exactly the start of segment 4: the
  // record before the end lies in segment 3, but segment 4 exists and goes too.
  auto err = plan_wal_files(m, dir.path(), kSeg, TimeLineId{1}, Lsn{2 * kSeg + 100}, Lsn{4 * kSeg});
  CHECK_FALSE(err.has_value());
  CHECK(names(m) == std::vector<std::string>{"pg_wal/000000010000000000000002", "pg_wal/000000010000000000000003",
                                             "pg_wal/000000010000000000000004", "pg_wal/00000002.history"});
  for (const auto& member : m) {
    CHECK_FALSE(member.in_manifest);
    CHECK_FALSE(member.contents.has_value());  // read when sent
  }
}

TEST_CASE("a removed segment in the backup's range fails the plan") {
  wal::testing::TempDir dir;
  make_data_dir(dir.path());
  for (std::uint64_t s : {2u, 4u}) make_segment(dir.path(), s);
  std::vector<ArchiveMember> m;
  auto err = plan_wal_files(m, dir.path(), kSeg, TimeLineId{1}, Lsn{2 * kSeg + 100}, Lsn{4 * kSeg + 8});
  REQUIRE(err.has_value());
  CHECK(*err == "could not find WAL file \"000000010000000000000003\"");
  m.clear();
  err = plan_wal_files(m, dir.path(), kSeg, TimeLineId{1}, Lsn{kSeg + 8}, Lsn{2 * kSeg + 8});
  REQUIRE(err.has_value());
  CHECK(*err == "could not find WAL file \"000000010000000000000001\"");
}
