#include "startup/timeline.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "wal/file_io.h"
#include "wal/segment.h"

namespace pmemu::startup {

TimeLineId newest_timeline(const std::string& pg_wal) {
  std::uint32_t best = 1;
  std::error_code ec;
  for (auto& entry : std::filesystem::directory_iterator(pg_wal, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() == 16 && name.substr(8) == ".history") {
      try {
        best = std::max<std::uint32_t>(best, static_cast<std::uint32_t>(std::stoul(name.substr(0, 8), nullptr, 16)));
      } catch (...) {
      }
    }
  }
  return TimeLineId{best};
}

std::string write_timeline_history(const std::string& pg_wal, TimeLineId new_tli, TimeLineId parent,
                                   Lsn switchpoint) {
  std::string content;
  if (parent.get() > 1) {
    std::ifstream in(pg_wal + "/" + wal::history_file_name(parent));
    std::stringstream ss;
    ss << in.rdbuf();
    content = ss.str();
  }
  content += std::to_string(parent.get()) + "\t" + switchpoint.str() + "\tno recovery target specified\n";
  const std::string name = wal::history_file_name(new_tli);
  auto st = wal::write_file_atomically(pg_wal, name + ".tmp", name, std::as_bytes(std::span(content)), content.size());
  return st.ok() ? std::string() : st.error;
}

}  // namespace pmemu::startup
