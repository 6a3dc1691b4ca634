#include "startup/timeline.h"

#include <fstream>
#include <sstream>

#include "wal/segment.h"
#include "wal/timeline_file.h"

namespace pmemu::startup {

std::optional<std::string> cannot_follow(const wal::TimelineHistory& candidate, TimeLineId replay_tli,
                                         Lsn replay_end) {
  const std::string target = std::to_string(candidate.target().get());
  const auto left = candidate.switch_point(replay_tli);
  if (!left)
    return "new timeline " + target + " is not a child of database system timeline " +
           std::to_string(replay_tli.get());
  // Replay already went past the fork: the records after it on our timeline
  // are not the candidate's, so following it would mix two histories.
  if (left->at.valid() && left->at < replay_end)
    return "new timeline " + target + " forked off current database system timeline " +
           std::to_string(replay_tli.get()) + " before current recovery point " + replay_end.str();
  return std::nullopt;
}

std::optional<TimelineMismatch> check_checkpoint_on_history(const wal::TimelineHistory& target,
                                                           TimeLineId checkpoint_tli, Lsn checkpoint) {
  const std::string requested = std::to_string(target.target().get());
  const auto left = target.switch_point(checkpoint_tli);
  if (!left) return TimelineMismatch{"requested timeline " + requested + " is not in this server's history", ""};
  // A switch point is the child's first byte, so a checkpoint there is not on the parent.
  if (left->at.valid() && left->at <= checkpoint)
    return TimelineMismatch{"requested timeline " + requested + " is not a child of this server's history",
                            "Latest checkpoint is at " + checkpoint.str() + " on timeline " +
                                std::to_string(checkpoint_tli.get()) +
                                ", but in the history of the requested timeline, the server forked off from that "
                                "timeline at " +
                                left->at.str() + "."};
  return std::nullopt;
}

std::string write_timeline_history(const std::string& pg_wal, TimeLineId new_tli, TimeLineId parent,
                                   Lsn switchpoint) {
  std::string content;
  if (wal::timeline_history_exists(pg_wal, parent)) {
    std::ifstream in(pg_wal + "/" + wal::history_file_name(parent));
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) return "could not read file \"" + pg_wal + "/" + wal::history_file_name(parent) + "\"";
    content = ss.str();
    // As PostgreSQL: a parent file that lost its last newline must not glue two lines.
    if (!content.empty() && content.back() != '\n') content += '\n';
  }
  content += wal::history_line(parent, switchpoint, "no recovery target specified");
  auto st = wal::write_timeline_history_file(pg_wal, new_tli, content);
  return st.ok() ? std::string() : st.error;
}

}  // namespace pmemu::startup
