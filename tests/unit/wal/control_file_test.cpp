#include <doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/unit/wal/temp_dir.h"
#include "wal/control_file.h"

using namespace pmemu;
using namespace pmemu::wal;

namespace {

ControlFile sample() {
  ControlFile c;
  c.system_identifier = 7176519435377963046ull;
  c.state = DbState::InProduction;
  c.time = 1700000000;
  c.checkpoint = Lsn{0x1703A88};
  c.redo = Lsn{0x1703A50};
  c.tli = TimeLineId{2};
  c.prev_tli = TimeLineId{1};
  c.min_recovery_point = Lsn{0x1703B00};
  c.min_recovery_tli = TimeLineId{2};
  c.wal_segment_size = 16 * 1024 * 1024;
  c.checkpoint_time = 1699999999;
  return c;
}

void flip_byte(const std::string& path, std::streamoff at) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(at);
  char c = 0;
  f.get(c);
  f.seekp(at);
  f.put(static_cast<char>(c ^ 0x40));
}

}  // namespace

TEST_CASE("pg_control round trip through the file") {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() + "/global");
  REQUIRE(write_control_file(dir.path(), sample()).ok());
  CHECK(std::filesystem::file_size(dir.path() + "/global/pg_control") == kControlFileSize);
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/global/pg_control.tmp"));
  auto r = read_control_file(dir.path());
  REQUIRE(r.ok());
  CHECK(r.value() == sample());

  auto next = sample();
  next.state = DbState::ShutDown;
  REQUIRE(write_control_file(dir.path(), next).ok());
  auto again = read_control_file(dir.path());
  REQUIRE(again.ok());
  CHECK(again.value().state == DbState::ShutDown);
}

TEST_CASE("pg_control read errors") {
  testing::TempDir dir;
  std::filesystem::create_directory(dir.path() + "/global");
  const std::string path = dir.path() + "/global/pg_control";

  auto missing = read_control_file(dir.path());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().find("No such file or directory") != std::string::npos);
  CHECK(missing.error().find("pg_control") != std::string::npos);

  REQUIRE(write_control_file(dir.path(), sample()).ok());
  flip_byte(path, 20);  // inside the state field
  auto bad_crc = read_control_file(dir.path());
  REQUIRE_FALSE(bad_crc.ok());
  CHECK(bad_crc.error().find("incorrect checksum") != std::string::npos);

  REQUIRE(write_control_file(dir.path(), sample()).ok());
  flip_byte(path, 0);
  auto bad_magic = read_control_file(dir.path());
  REQUIRE_FALSE(bad_magic.ok());
  CHECK(bad_magic.error().find("bad magic") != std::string::npos);

  REQUIRE(write_control_file(dir.path(), sample()).ok());
  flip_byte(path, 4);
  auto bad_version = read_control_file(dir.path());
  REQUIRE_FALSE(bad_version.ok());
  CHECK(bad_version.error().find("version") != std::string::npos);

  REQUIRE(write_control_file(dir.path(), sample()).ok());
  std::filesystem::resize_file(path, 100);
  auto short_file = read_control_file(dir.path());
  REQUIRE_FALSE(short_file.ok());
  CHECK(short_file.error().find("size 100") != std::string::npos);
}

TEST_CASE("state numbers and names as PostgreSQL's") {
  CHECK(static_cast<int>(DbState::ShutDown) == 1);
  CHECK(static_cast<int>(DbState::InProduction) == 6);
  CHECK(db_state_name(DbState::ShutDownInRecovery) == "shut down in recovery");
  CHECK(db_state_name(DbState::InArchiveRecovery) == "in archive recovery");
  CHECK(db_state_name(DbState::ShutDowning) == "shutting down");
}

TEST_CASE("controldata lines: labels padded so values start at column 39") {
  const std::string out = render_controldata(sample());
  std::istringstream in(out);
  std::string l;
  int lines = 0;
  while (std::getline(in, l)) {
    ++lines;
    CAPTURE(l);
    REQUIRE(l.size() > 38);
    CHECK(l[37] == ' ');
    CHECK(l[38] != ' ');
  }
  CHECK(lines >= 11);
  CHECK(out.find("Database system identifier:           7176519435377963046\n") != std::string::npos);
  CHECK(out.find("Database cluster state:               in production\n") != std::string::npos);
  CHECK(out.find("Latest checkpoint location:           0/1703A88\n") != std::string::npos);
  CHECK(out.find("Latest checkpoint's REDO location:    0/1703A50\n") != std::string::npos);
  CHECK(out.find("Latest checkpoint's TimeLineID:       2\n") != std::string::npos);
  CHECK(out.find("Latest checkpoint's PrevTimeLineID:   1\n") != std::string::npos);
  CHECK(out.find("Minimum recovery ending location:     0/1703B00\n") != std::string::npos);
  CHECK(out.find("Min recovery ending loc's timeline:   2\n") != std::string::npos);
  CHECK(out.find("Bytes per WAL segment:                16777216\n") != std::string::npos);
  CHECK(out.find("pg_control last modified:") != std::string::npos);
  CHECK(out.find("Time of latest checkpoint:") != std::string::npos);
}
