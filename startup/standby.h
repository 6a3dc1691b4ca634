// Standby mode after the local WAL is replayed: keep a walreceiver
// streaming the timeline replay needs next, replay what it flushes, follow
// the newest timeline whose history file appears in pg_wal when replay can
// (recovery_target_timeline = 'latest'), restart the walreceiver when its
// connection settings change, and return when promotion is requested
// (SIGUSR2 from the postmaster, or promote.signal), with the walreceiver
// stopped and everything it flushed replayed.
#pragma once

#include "startup/redo.h"
#include "wal/control_file.h"
#include "wal/reader.h"

namespace pmemu::startup {

// `reader` carries the history being followed and is left on the newest
// one followed; `cf` is the pg_control recovery started from.
void follow_primary(wal::WalReader& reader, const wal::ControlFile& cf, RedoResult& redo);

}  // namespace pmemu::startup
