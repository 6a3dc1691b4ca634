// pg_wal housekeeping before recovery: leftover xlogtemp.* files go, WAL
// segments and history files stay; syncing reports an unreadable directory.
#include "wal/wal_dir.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/wal/temp_dir.h"

namespace pmemu::wal {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& p) { std::ofstream(p) << "x"; }

TEST_CASE("remove_temp_files deletes only leftover xlogtemp files") {
  testing::TempDir dir;
  const fs::path d = dir.path();
  touch(d / "xlogtemp.12345");
  touch(d / "xlogtemp.999");
  touch(d / "000000010000000000000001");
  touch(d / "00000002.history");
  fs::create_directory(d / "archive_status");
  auto removed = remove_temp_files(dir.path());
  REQUIRE(removed.ok());
  CHECK(removed.value() == 2);
  CHECK_FALSE(fs::exists(d / "xlogtemp.12345"));
  CHECK_FALSE(fs::exists(d / "xlogtemp.999"));
  CHECK(fs::exists(d / "000000010000000000000001"));
  CHECK(fs::exists(d / "00000002.history"));
  CHECK(fs::is_directory(d / "archive_status"));
  CHECK(sync_wal_files(dir.path()).ok());
}

TEST_CASE("a missing pg_wal is an error naming it") {
  testing::TempDir dir;
  const std::string missing = dir.path() + "/pg_wal";
  auto removed = remove_temp_files(missing);
  REQUIRE_FALSE(removed.ok());
  CHECK(removed.error().find(missing) != std::string::npos);
  auto st = sync_wal_files(missing);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error.find(missing) != std::string::npos);
}

}  // namespace
}  // namespace pmemu::wal
