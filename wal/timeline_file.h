// Timeline history files in pg_wal (docs/timelines.md): reading one into a
// TimelineHistory, finding the newest, writing one durably. Any process may
// call these; they hold no state. Writers are the startup process (at
// promotion) and the walreceiver (files fetched from the primary); each file
// is written once, through a temporary file and rename, so a reader sees the
// whole file or none.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "wal/lsn.h"
#include "wal/result.h"
#include "wal/timeline_history.h"

namespace pmemu::wal {

// Timeline `tli`'s history from pg_wal. Timeline 1 has no file, and a
// missing file means no known ancestors (TimelineHistory::single), as
// PostgreSQL's readTimeLineHistory assumes. An unreadable or malformed file
// is an error.
[[nodiscard]] std::variant<TimelineHistory, TimelineHistoryError> read_timeline_history(const std::string& pg_wal,
                                                                                        TimeLineId tli);

// Whether pg_wal holds tli's history file (never for timeline 1).
[[nodiscard]] bool timeline_history_exists(const std::string& pg_wal, TimeLineId tli);

// The highest timeline with a history file in pg_wal, or 1.
[[nodiscard]] TimeLineId newest_timeline(const std::string& pg_wal);

// Writes `content` as tli's history file: temporary file, fsync, rename,
// directory fsync.
[[nodiscard]] Status write_timeline_history_file(const std::string& pg_wal, TimeLineId tli, std::string_view content);

}  // namespace pmemu::wal
