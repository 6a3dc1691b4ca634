// Timeline history files (PostgreSQL's NNNNNNNN.history in pg_wal): one line
// per ancestor, "parentTLI<TAB>switchpoint<TAB>reason".
#pragma once

#include <string>

#include "wal/lsn.h"

namespace pmemu::startup {

// The highest timeline with a history file in `pg_wal`, or 1.
[[nodiscard]] TimeLineId newest_timeline(const std::string& pg_wal);
// Writes NEW.history: the parent's history (if any) plus "PARENT\tSWITCH\treason".
[[nodiscard]] std::string write_timeline_history(const std::string& pg_wal, TimeLineId new_tli, TimeLineId parent,
                                                 Lsn switchpoint);

}  // namespace pmemu::startup
