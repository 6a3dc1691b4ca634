// The COPY of one START_REPLICATION on the walreceiver's side: write each
// XLogData into pg_wal, fsync, publish flushed_upto, wake the startup
// process, and keep the primary informed (status replies, answers to pings,
// wal_receiver_timeout). Errors end the process (FATAL).
#pragma once

#include "walreceiver/primary_conn.h"
#include "wal/lsn.h"

namespace pmemu::walreceiver {

enum class StreamEnd {
  TimelineEnded,   // the primary ended the COPY: this timeline has no more WAL there
  PrimaryStopped,  // the primary finished the command because it is shutting down
};

// Streams timeline `tli` from `start` into its segment files until the
// primary ends it. Everything received is flushed and published on return.
[[nodiscard]] StreamEnd receive_stream(PrimaryConn& conn, Lsn start, TimeLineId tli);

}  // namespace pmemu::walreceiver
