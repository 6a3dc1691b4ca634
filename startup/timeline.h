// The startup process's timeline decisions (PostgreSQL's
// rescanLatestTimeLine and the checks at the start of archive recovery), as
// pure functions, and the history file a promotion writes.
#pragma once

#include <optional>
#include <string>

#include "wal/lsn.h"
#include "wal/timeline_history.h"

namespace pmemu::startup {

// Why replay that has reached `replay_end` on `replay_tli` cannot move to
// `candidate` (the history of a newer timeline), as the LOG line PostgreSQL
// writes; nullopt when it can: the candidate descends from replay_tli and
// left it no earlier than replay_end.
[[nodiscard]] std::optional<std::string> cannot_follow(const wal::TimelineHistory& candidate, TimeLineId replay_tli,
                                                      Lsn replay_end);

// A FATAL message and its DETAIL.
struct TimelineMismatch {
  std::string message;
  std::string detail;
};
// At the start of standby recovery: the checkpoint we start from must lie
// on `target`'s history, before `target` left the checkpoint's timeline.
[[nodiscard]] std::optional<TimelineMismatch> check_checkpoint_on_history(const wal::TimelineHistory& target,
                                                                         TimeLineId checkpoint_tli,
                                                                         Lsn checkpoint);

// Writes NEW.history: the parent's history file (if any) plus
// "PARENT\tSWITCH\treason". "" or why it failed.
[[nodiscard]] std::string write_timeline_history(const std::string& pg_wal, TimeLineId new_tli, TimeLineId parent,
                                                 Lsn switchpoint);

}  // namespace pmemu::startup
