// Which timeline START_REPLICATION streams and how far (PostgreSQL's
// StartReplication checks and WalSndSegmentOpen's choice of file). Pure:
// the walsender hands in the history of its current timeline.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include "protocol/pg_error.h"
#include "wal/lsn.h"
#include "wal/timeline_history.h"

namespace pmemu::walsender {

struct SendTimeline {
  TimeLineId tli;
  // A timeline this server has left: stream up to valid_upto (its switch
  // point), then end the COPY and name next_tli.
  bool historic = false;
  Lsn valid_upto;
  TimeLineId next_tli;

  // The file to read the segment holding `at` from. The segment holding
  // the switch point is read from the next timeline's file: the promotion
  // copied everything before the switch point into it, and on a server that
  // got its WAL from elsewhere the old timeline's copy may be missing.
  [[nodiscard]] TimeLineId file_tli(Lsn at, std::uint32_t seg_size) const;
  // A historic timeline whose end the client already has: no COPY at all,
  // just the next-timeline result set.
  [[nodiscard]] bool nothing_to_send(Lsn start) const { return historic && start >= valid_upto; }
};

// `history` is the history of the server's current timeline; `requested` is
// START_REPLICATION's TIMELINE (nullopt: the current one). Errors as
// PostgreSQL's: "requested timeline %u is not in this server's history", and
// a start past the point where this server left the timeline ("requested
// starting point %X/%X on timeline %u is not in this server's history" with
// the fork in the DETAIL).
[[nodiscard]] std::variant<SendTimeline, protocol::PgError> plan_send_timeline(const wal::TimelineHistory& history,
                                                                               std::optional<TimeLineId> requested,
                                                                               Lsn start);

}  // namespace pmemu::walsender
