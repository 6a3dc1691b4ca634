#include "wal/timeline_history.h"

#include <cctype>
#include <charconv>

#include "wal/segment.h"

namespace pmemu::wal {
namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view skip_space(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view chomp(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// The leading "tli<space>X/X" of a history line; the hint says what is missing.
struct ParsedLine {
  TimeLineId tli;
  Lsn switchpoint;
};
std::variant<ParsedLine, std::string> parse_line(std::string_view line) {
  std::uint32_t tli = 0;
  auto [after_tli, ec] = std::from_chars(line.data(), line.data() + line.size(), tli);
  if (ec != std::errc() || tli == 0) return std::string("Expected a numeric timeline ID.");
  std::string_view rest = line.substr(static_cast<std::size_t>(after_tli - line.data()));
  if (rest.empty() || !is_space(rest.front())) return std::string("Expected a write-ahead log switchpoint location.");
  rest = skip_space(rest);
  std::size_t len = 0;
  while (len < rest.size() && !is_space(rest[len])) ++len;
  auto lsn = Lsn::parse(rest.substr(0, len));
  if (!lsn || !lsn->valid()) return std::string("Expected a write-ahead log switchpoint location.");
  return ParsedLine{TimeLineId{tli}, *lsn};
}

TimelineHistoryError invalid(std::string message, std::string hint) {
  return TimelineHistoryError{std::move(message), std::move(hint)};
}

}  // namespace

TimelineHistory TimelineHistory::single(TimeLineId tli) {
  return TimelineHistory({TimelineEntry{tli, Lsn{}, Lsn{}}});
}

std::variant<TimelineHistory, TimelineHistoryError> TimelineHistory::parse(std::string_view content,
                                                                           TimeLineId target,
                                                                           std::string_view file_name) {
  std::vector<TimelineEntry> entries;
  Lsn prev_end;
  while (!content.empty()) {
    const std::size_t nl = content.find('\n');
    const std::string_view raw = content.substr(0, nl);
    content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
    const std::string_view line = chomp(skip_space(raw));
    if (line.empty() || line.front() == '#') continue;
    auto parsed = parse_line(line);
    if (auto* hint = std::get_if<std::string>(&parsed))
      return invalid("syntax error in history file: " + std::string(line), *hint);
    const auto& p = std::get<ParsedLine>(parsed);
    if (!entries.empty() && p.tli <= entries.back().tli)
      return invalid("invalid data in history file: " + std::string(line),
                     "Timeline IDs must be in increasing sequence.");
    if (p.switchpoint < prev_end)
      return invalid("invalid data in history file: " + std::string(line),
                     "Switch points must not go backwards.");
    entries.push_back(TimelineEntry{p.tli, prev_end, p.switchpoint});
    prev_end = p.switchpoint;
  }
  if (!entries.empty() && target <= entries.back().tli)
    return invalid("invalid data in history file \"" + std::string(file_name) + "\"",
                   "Timeline IDs must be less than child timeline's ID.");
  entries.push_back(TimelineEntry{target, prev_end, Lsn{}});
  return TimelineHistory(std::move(entries));
}

const TimelineEntry* TimelineHistory::find(TimeLineId tli) const {
  for (const auto& e : entries_)
    if (e.tli == tli) return &e;
  return nullptr;
}

TimeLineId TimelineHistory::tli_of_point(Lsn lsn) const {
  // Entries are contiguous (each begins where the previous ended) and the
  // target is open-ended, so the first entry that has not ended by `lsn`
  // holds it.
  for (const auto& e : entries_)
    if (!e.end.valid() || lsn < e.end) return e.tli;
  return target();
}

std::optional<SwitchPoint> TimelineHistory::switch_point(TimeLineId tli) const {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].tli != tli) continue;
    if (i + 1 == entries_.size()) return SwitchPoint{Lsn{}, tli};
    return SwitchPoint{entries_[i].end, entries_[i + 1].tli};
  }
  return std::nullopt;
}

std::vector<TimeLineId> TimelineHistory::segment_files(Lsn record, SegNo segno, std::uint32_t seg_size) const {
  const TimeLineId own = tli_of_point(record);
  std::vector<TimeLineId> out{own};
  bool after_own = false;
  for (const auto& e : entries_) {
    if (after_own && e.begin.valid() && segno_of(e.begin, seg_size) == segno) out.push_back(e.tli);
    if (e.tli == own) after_own = true;
  }
  return out;
}

std::string history_line(TimeLineId parent, Lsn switchpoint, std::string_view reason) {
  return std::to_string(parent.get()) + "\t" + switchpoint.str() + "\t" + std::string(reason) + "\n";
}

}  // namespace pmemu::wal
