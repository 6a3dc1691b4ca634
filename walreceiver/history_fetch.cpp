#include "walreceiver/history_fetch.h"

#include "common/elog.h"
#include "wal/segment.h"
#include "wal/timeline_file.h"
#include "wal/timeline_history.h"

namespace pmemu::walreceiver {

std::optional<ConnError> fetch_missing_histories(PrimaryConn& conn, TimeLineId first, TimeLineId last,
                                                 const std::string& pg_wal) {
  for (std::uint32_t t = std::max<std::uint32_t>(first.get(), 2); t <= last.get(); ++t) {
    const TimeLineId tli{t};
    if (wal::timeline_history_exists(pg_wal, tli)) continue;
    elog::log(elog::Level::Log,
              "fetching timeline history file for timeline " + std::to_string(t) + " from primary server");
    auto got = conn.timeline_history(tli);
    if (auto* err = std::get_if<ConnError>(&got)) return *err;
    const auto& file = std::get<HistoryFile>(got);
    const std::string expected = wal::history_file_name(tli);
    if (file.name != expected)
      return ConnError{"primary reported unexpected file name for timeline history file of timeline " +
                           std::to_string(t),
                       ""};
    // A file the startup process could not parse would stop recovery later
    // with a less helpful message; refuse it here instead.
    auto parsed = wal::TimelineHistory::parse(file.content, tli, expected);
    if (auto* bad = std::get_if<wal::TimelineHistoryError>(&parsed)) return ConnError{bad->message, "", bad->hint};
    if (auto st = wal::write_timeline_history_file(pg_wal, tli, file.content); !st.ok()) return ConnError{st.error, ""};
  }
  return std::nullopt;
}

}  // namespace pmemu::walreceiver
