// Standby mode after the local WAL is replayed: keep a walreceiver running,
// replay what it flushes, and return when promotion is requested (SIGUSR2
// from the postmaster, or promote.signal), with the walreceiver stopped and
// everything it flushed replayed.
#pragma once

#include "startup/redo.h"
#include "wal/control_file.h"
#include "wal/reader.h"

namespace pmemu::startup {

void follow_primary(wal::WalReader& reader, const wal::ControlFile& cf, RedoResult& redo);

}  // namespace pmemu::startup
