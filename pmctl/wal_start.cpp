#include "pmctl/wal_start.h"

#include <filesystem>

#include "wal/segment.h"

namespace pmemu::pmctl {

std::optional<SegNo> oldest_segment(std::span<const std::string> file_names, TimeLineId tli,
                                    std::uint32_t seg_size) {
  std::optional<SegNo> oldest;
  for (const auto& name : file_names) {
    auto seg = wal::parse_segment_file_name(name, seg_size);
    if (!seg || seg->tli != tli) continue;
    if (!oldest || seg->segno < *oldest) oldest = seg->segno;
  }
  return oldest;
}

std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(dir, ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  return names;
}

}  // namespace pmemu::pmctl
