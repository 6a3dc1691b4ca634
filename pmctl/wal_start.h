// Where `pmctl waldump` starts without -s: the start of the oldest segment
// file of the timeline still present in pg_wal (older ones were recycled).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wal/lsn.h"

namespace pmemu::pmctl {

// Pure: the lowest segment number among `file_names` that are segment files
// of `tli`; other names (history files, .partial, temp files) are ignored.
[[nodiscard]] std::optional<SegNo> oldest_segment(std::span<const std::string> file_names, TimeLineId tli,
                                                  std::uint32_t seg_size);

// The names in `dir`; empty if it cannot be listed.
[[nodiscard]] std::vector<std::string> list_dir(const std::string& dir);

}  // namespace pmemu::pmctl
