// A committing session waits here until enough synchronous standbys have
// confirmed its commit (synchronous_commit on / remote_write / remote_apply
// with synchronous_standby_names set), as PostgreSQL's SyncRepWaitForLSN.
// The commit is already durable locally: a cancel or a termination ends the
// wait with PostgreSQL's WARNING saying so.
#pragma once

#include <optional>

#include "backend/client_io.h"
#include "protocol/pg_error.h"
#include "wal/lsn.h"

namespace pmemu::backend {

// Returns the WARNING to send if the wait was cancelled; a termination
// request sends its WARNING and ends the session itself.
[[nodiscard]] std::optional<protocol::PgError> wait_for_sync_rep(Lsn commit_end, ClientIo& io);

}  // namespace pmemu::backend
