#include "walsender/send_timeline.h"

#include "wal/segment.h"

namespace pmemu::walsender {

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;

TimeLineId SendTimeline::file_tli(Lsn at, std::uint32_t seg_size) const {
  if (historic && wal::segno_of(at, seg_size) == wal::segno_of(valid_upto, seg_size)) return next_tli;
  return tli;
}

std::variant<SendTimeline, PgError> plan_send_timeline(const wal::TimelineHistory& history,
                                                      std::optional<TimeLineId> requested, Lsn start) {
  const TimeLineId current = history.target();
  if (!requested || *requested == current) return SendTimeline{current, false, Lsn{}, TimeLineId{}};
  const auto left = history.switch_point(*requested);
  if (!left)
    return PgError::error(sqlstate::kInternalError, "requested timeline " + std::to_string(requested->get()) +
                                                        " is not in this server's history");
  // Loose on purpose, as PostgreSQL: only a start past the fork is refused.
  // A start before the timeline began fails later, when its file is missing.
  if (left->at < start)
    return PgError::error(sqlstate::kInternalError, "requested starting point " + start.str() + " on timeline " +
                                                        std::to_string(requested->get()) +
                                                        " is not in this server's history")
        .with_detail("This server's history forked from timeline " + std::to_string(requested->get()) + " at " +
                     left->at.str() + ".");
  return SendTimeline{*requested, true, left->at, left->next};
}

}  // namespace pmemu::walsender
