// Copying the primary's timeline history files (PostgreSQL's
// WalRcvFetchTimeLineHistoryFiles): every timeline from `first` to `last`
// whose file pg_wal lacks is fetched with TIMELINE_HISTORY, checked and
// written durably. Done even for timelines the standby does not follow yet,
// so a later promotion never picks a timeline ID the primary already used,
// and so the startup process can find the newest timeline to follow.
#pragma once

#include <optional>
#include <string>

#include "walreceiver/primary_conn.h"
#include "wal/lsn.h"

namespace pmemu::walreceiver {

// Logs each fetch; returns the first error, if any.
[[nodiscard]] std::optional<ConnError> fetch_missing_histories(PrimaryConn& conn, TimeLineId first, TimeLineId last,
                                                               const std::string& pg_wal);

}  // namespace pmemu::walreceiver
