// Timeline histories: which timeline a WAL position belongs to, and where
// each ancestor timeline was left (docs/timelines.md).
//
// A history file NNNNNNNN.history lists the ancestors of timeline N, oldest
// first, one line each: "parentTLI<TAB>switchpoint<TAB>reason". The switch
// point is the end of the last record on the parent, which is also the first
// byte written on the child. TimelineHistory is that list plus the target
// timeline N itself as the open-ended tip, so every Lsn has exactly one
// timeline. Pure values: no I/O here (wal/timeline_file.h reads and writes
// the files).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "wal/lsn.h"

namespace pmemu::wal {

struct TimelineEntry {
  TimeLineId tli;
  Lsn begin;  // first byte on this timeline; invalid (0) for the oldest: since the start of WAL
  Lsn end;    // where it switched to the next entry; invalid (0) for the target: still open
  friend bool operator==(const TimelineEntry&, const TimelineEntry&) = default;
};

// Where a timeline was left, and for which one. `at` is invalid when the
// timeline is the target of the history (it was never left).
struct SwitchPoint {
  Lsn at;
  TimeLineId next;
};

// A history file that cannot be trusted, in PostgreSQL's words: the message
// and its hint (for example "Timeline IDs must be in increasing sequence.").
struct TimelineHistoryError {
  std::string message;
  std::string hint;
};

class TimelineHistory {
 public:
  // A timeline without known ancestors: timeline 1, or one whose history
  // file does not exist (PostgreSQL assumes no parents then).
  [[nodiscard]] static TimelineHistory single(TimeLineId tli);

  // Parses the content of `target`'s history file (named `file_name` in
  // messages). Blank lines and '#' comments are skipped; each other line
  // must start with a timeline ID, a tab and an X/X switch point; the rest
  // of the line is ignored. Timeline IDs must increase line by line and stay
  // below `target`; switch points must not go backwards.
  [[nodiscard]] static std::variant<TimelineHistory, TimelineHistoryError> parse(std::string_view content,
                                                                                 TimeLineId target,
                                                                                 std::string_view file_name);

  [[nodiscard]] TimeLineId target() const { return entries_.back().tli; }
  // Oldest first; the last one is the target.
  [[nodiscard]] const std::vector<TimelineEntry>& entries() const { return entries_; }
  [[nodiscard]] bool contains(TimeLineId tli) const { return find(tli) != nullptr; }

  // The timeline WAL at `lsn` was written on (PostgreSQL's
  // tliOfPointInHistory). A switch point belongs to the child.
  [[nodiscard]] TimeLineId tli_of_point(Lsn lsn) const;

  // Where `tli` was left and for which timeline (tliSwitchPoint); nullopt
  // if `tli` is not in this history.
  [[nodiscard]] std::optional<SwitchPoint> switch_point(TimeLineId tli) const;

  // The files that may hold segment `segno` for a record that starts at
  // `record`, best first: the record's own timeline, then each later
  // timeline that began inside this segment. A promotion starts the child's
  // first segment as a copy of the parent's up to the switch point, so those
  // files hold the same bytes below it; a standby that streamed only the
  // child has nothing else.
  [[nodiscard]] std::vector<TimeLineId> segment_files(Lsn record, SegNo segno, std::uint32_t seg_size) const;

  friend bool operator==(const TimelineHistory&, const TimelineHistory&) = default;

 private:
  explicit TimelineHistory(std::vector<TimelineEntry> entries) : entries_(std::move(entries)) {}
  [[nodiscard]] const TimelineEntry* find(TimeLineId tli) const;

  std::vector<TimelineEntry> entries_;  // never empty
};

// One history file line: "%u\t%X/%X\t%s\n".
[[nodiscard]] std::string history_line(TimeLineId parent, Lsn switchpoint, std::string_view reason);

}  // namespace pmemu::wal
