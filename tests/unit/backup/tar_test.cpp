// The tar format of base backups: headers round-trip, corruption and unsafe
// paths are refused, and the streaming extractor rebuilds a tree from
// arbitrary chunk boundaries.
#include <doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "backup/tar_format.h"
#include "pmctl/tar_extract.h"

using namespace pmemu::backup;
namespace fs = std::filesystem;

namespace {

std::string archive_of(const std::vector<std::pair<TarEntry, std::string>>& entries) {
  std::string out;
  for (auto& [e, body] : entries) {
    out += *pack_tar_header(e);
    out += body;
    out += std::string(tar_padding(body.size()), '\0');
  }
  out += std::string(2 * kTarBlock, '\0');
  return out;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("tar headers round-trip files and directories") {
  TarEntry f{"base/kv.image", TarEntryType::File, 12345, 0600, 1700000000};
  auto h = pack_tar_header(f);
  REQUIRE(h);
  CHECK(h->size() == kTarBlock);
  std::string err;
  auto back = parse_tar_header(*h, &err);
  REQUIRE(back);
  CHECK(back->name == "base/kv.image");
  CHECK(back->size == 12345);
  CHECK(back->mode == 0600);
  CHECK(back->mtime == 1700000000);
  TarEntry d{"pg_wal", TarEntryType::Directory, 0, 0700, 0};
  auto dir = parse_tar_header(*pack_tar_header(d), &err);
  REQUIRE(dir);
  CHECK(dir->type == TarEntryType::Directory);
  CHECK(dir->name == "pg_wal");
}

TEST_CASE("tar padding fills to a block") {
  CHECK(tar_padding(0) == 0);
  CHECK(tar_padding(1) == 511);
  CHECK(tar_padding(512) == 0);
  CHECK(tar_padding(513) == 511);
}

TEST_CASE("bad tar headers are refused with a reason") {
  std::string err;
  auto h = *pack_tar_header(TarEntry{"PG_VERSION", TarEntryType::File, 3, 0600, 0});
  h[0] = 'Q';  // checksum no longer matches
  CHECK_FALSE(parse_tar_header(h, &err));
  CHECK(err == "tar header checksum mismatch");
  CHECK_FALSE(parse_tar_header(std::string(kTarBlock, '\0'), &err));
  CHECK(err.empty());  // end of archive, not an error
  CHECK_FALSE(pack_tar_header(TarEntry{std::string(120, 'x'), TarEntryType::File, 0, 0600, 0}));
  auto evil = *pack_tar_header(TarEntry{"../etc/passwd", TarEntryType::File, 0, 0600, 0});
  CHECK_FALSE(parse_tar_header(evil, &err));
  CHECK(err.find("unsafe path") != std::string::npos);
  CHECK_FALSE(parse_tar_header("short", &err));
}

TEST_CASE("the extractor rebuilds a tree whatever the chunk size") {
  const std::string big(70000, 'w');
  const auto tar = archive_of({{TarEntry{"global", TarEntryType::Directory, 0, 0700, 0}, ""},
                               {TarEntry{"global/pg_control", TarEntryType::File, 5, 0600, 0}, "ctrl!"},
                               {TarEntry{"PG_VERSION", TarEntryType::File, 3, 0600, 0}, "15\n"},
                               {TarEntry{"empty", TarEntryType::File, 0, 0600, 0}, ""},
                               {TarEntry{"pg_wal/seg", TarEntryType::File, big.size(), 0600, 0}, big}});
  for (std::size_t chunk : {1ul, 7ul, 512ul, 4096ul, 1ul << 20}) {
    const fs::path dir = fs::temp_directory_path() / ("pmemu-tar-" + std::to_string(chunk));
    fs::remove_all(dir);
    fs::create_directories(dir);
    pmemu::pmctl::TarExtractor x(dir.string());
    for (std::size_t off = 0; off < tar.size(); off += chunk)
      REQUIRE(x.feed(std::string_view(tar).substr(off, chunk)).empty());
    CHECK(x.finish().empty());
    CHECK(read_file(dir / "global/pg_control") == "ctrl!");
    CHECK(read_file(dir / "PG_VERSION") == "15\n");
    CHECK(fs::exists(dir / "empty"));
    CHECK(read_file(dir / "pg_wal/seg") == big);
    fs::remove_all(dir);
  }
}

TEST_CASE("the extractor notices a cut-off archive") {
  const auto tar = archive_of({{TarEntry{"a", TarEntryType::File, 600, 0600, 0}, std::string(600, 'a')}});
  const fs::path dir = fs::temp_directory_path() / "pmemu-tar-cut";
  fs::remove_all(dir);
  fs::create_directories(dir);
  pmemu::pmctl::TarExtractor x(dir.string());
  REQUIRE(x.feed(std::string_view(tar).substr(0, 700)).empty());
  CHECK_FALSE(x.finish().empty());
  fs::remove_all(dir);
}
