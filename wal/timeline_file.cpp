#include "wal/timeline_file.h"

#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <span>
#include <unistd.h>
#include <vector>

#include "wal/file_io.h"
#include "wal/segment.h"

namespace pmemu::wal {

std::variant<TimelineHistory, TimelineHistoryError> read_timeline_history(const std::string& pg_wal, TimeLineId tli) {
  if (tli.get() == 1) return TimelineHistory::single(tli);
  const std::string name = history_file_name(tli);
  const std::string path = pg_wal + "/" + name;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return TimelineHistory::single(tli);
    return TimelineHistoryError{io_error("open", path), ""};
  }
  std::string content;
  std::vector<std::byte> buf(8192);
  for (;;) {
    auto got = pread_full(fd.get(), buf, content.size(), path);
    if (!got.ok()) return TimelineHistoryError{got.error(), ""};
    content.append(reinterpret_cast<const char*>(buf.data()), got.value());
    if (got.value() < buf.size()) break;
  }
  return TimelineHistory::parse(content, tli, path);
}

bool timeline_history_exists(const std::string& pg_wal, TimeLineId tli) {
  if (tli.get() == 1) return false;
  return ::access((pg_wal + "/" + history_file_name(tli)).c_str(), F_OK) == 0;
}

TimeLineId newest_timeline(const std::string& pg_wal) {
  std::uint32_t best = 1;
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator(pg_wal, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 16 || name.substr(8) != ".history") continue;
    std::uint32_t tli = 0;
    bool hex = true;
    for (char c : name.substr(0, 8)) {
      if (c >= '0' && c <= '9') tli = tli * 16 + static_cast<std::uint32_t>(c - '0');
      else if (c >= 'A' && c <= 'F') tli = tli * 16 + static_cast<std::uint32_t>(c - 'A' + 10);
      else hex = false;
    }
    if (hex) best = std::max(best, tli);
  }
  return TimeLineId{best};
}

Status write_timeline_history_file(const std::string& pg_wal, TimeLineId tli, std::string_view content) {
  const std::string name = history_file_name(tli);
  return write_file_atomically(pg_wal, name + ".tmp", name, std::as_bytes(std::span(content)), content.size());
}

}  // namespace pmemu::wal
