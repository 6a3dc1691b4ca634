#include "backup/archive_plan.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "wal/segment.h"

namespace pmemu::backup {
namespace {

namespace fs = std::filesystem;

std::int64_t mtime_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return static_cast<std::int64_t>(std::time(nullptr));
  return static_cast<std::int64_t>(st.st_mtime);
}

ArchiveMember directory(const std::string& data_dir, const std::string& name) {
  return {name, TarEntryType::Directory, std::string{}, {}, 0, mtime_of(data_dir + "/" + name), false};
}

ArchiveMember file(const std::string& name, CapturedFile f) {
  const std::uint64_t size = f.bytes.size();
  return {name, TarEntryType::File, std::move(f.bytes), {}, size, f.mtime, true};
}

}  // namespace

std::optional<CapturedFile> capture_file(const std::string& path) {
  CapturedFile f;
  f.mtime = mtime_of(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  f.bytes = ss.str();
  return f;
}

PlannedMembers plan_data_files(const std::string& data_dir, CapturedFile control) {
  std::vector<ArchiveMember> m;
  auto add_file = [&](const std::string& name, bool required) -> bool {
    const std::string path = data_dir + "/" + name;
    std::error_code ec;
    if (!required && !fs::exists(path, ec)) return true;
    auto f = capture_file(path);
    if (!f) return false;
    m.push_back(file(name, std::move(*f)));
    return true;
  };
  for (const char* name : {"PG_VERSION", "postgresql.conf", "postgresql.auto.conf", "pg_hba.conf"})
    if (!add_file(name, false)) return "could not read file \"" + std::string(name) + "\"";
  m.push_back(directory(data_dir, "global"));
  m.push_back(file("global/pg_control", std::move(control)));
  if (!add_file("global/pg_authid", true)) return "could not read file \"global/pg_authid\"";
  m.push_back(directory(data_dir, "base"));
  if (!add_file("base/kv.image", true)) return "could not read file \"base/kv.image\"";
  // Empty, as in PostgreSQL's backups: slots belong to the server they were
  // made on. There are never tablespaces, but pg_basebackup syncs
  // pg_tblspc/ after the copy and fails if it is missing.
  m.push_back(directory(data_dir, "pg_replslot"));
  m.push_back(directory(data_dir, "pg_tblspc"));
  m.push_back(directory(data_dir, "pg_wal"));
  return m;
}

std::optional<std::string> plan_wal_files(std::vector<ArchiveMember>& members, const std::string& data_dir,
                                          std::uint32_t seg_size, TimeLineId tli, Lsn from, Lsn to) {
  const std::string pg_wal = data_dir + "/pg_wal";
  const SegNo first = wal::segno_of(from, seg_size);
  std::vector<std::string> names;
  std::vector<SegNo> segments;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(pg_wal, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 16 && name.substr(8) == ".history") {
      names.push_back(name);
      continue;
    }
    auto parsed = wal::parse_segment_file_name(name, seg_size);
    if (!parsed || parsed->tli != tli) continue;
    if (parsed->segno >= first && parsed->segno <= wal::segno_of(to, seg_size)) {
      names.push_back(name);
      segments.push_back(parsed->segno);
    }
  }
  std::sort(segments.begin(), segments.end());
  const SegNo last_needed = wal::segno_of_end(to, seg_size);
  for (std::uint64_t n = first.get(), i = 0; n <= last_needed.get(); ++n, ++i) {
    if (i >= segments.size() || segments[i] != SegNo{n})
      return "could not find WAL file \"" + wal::segment_file_name(tli, SegNo{n}, seg_size) + "\"";
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    const std::string path = pg_wal + "/" + n;
    std::uint64_t size = fs::file_size(path, ec);
    if (ec) size = 0;
    members.push_back({"pg_wal/" + n, TarEntryType::File, std::nullopt, path, size, mtime_of(path), false});
  }
  return std::nullopt;
}

}  // namespace pmemu::backup
