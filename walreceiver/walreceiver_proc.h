// What every part of the walreceiver process shares: its replication::WalRcvData, the
// connection, the way out and the interrupt check. Internal to walreceiver/.
#pragma once

#include <string>

#include "wal/lsn.h"
#include "walreceiver/primary_conn.h"
#include "replication/walrcv_data.h"

namespace pmemu::walreceiver {

replication::WalRcvData& rcv();
// The one connection of this process; closed politely on the way out.
PrimaryConn& primary();

// Sets the startup process's latch: our state changed (Waiting, leaving).
void wake_startup();
// WAL is durable up to `flushed` (already in replication::WalRcvData): a
// kWalReceivedFlushed imessage wakes the startup process to replay it.
void tell_startup_flushed(Lsn flushed);

// Marks replication::WalRcvData Stopped, wakes the startup process and exits `code`.
[[noreturn]] void walrcv_leave(int code);
// Logs FATAL (with the DETAIL, if any) and leaves with 1.
[[noreturn]] void walrcv_fatal(const ConnError& error);
[[noreturn]] inline void walrcv_fatal(const std::string& message) { walrcv_fatal(ConnError{message, ""}); }

// SIGTERM: FATAL "terminating walreceiver process due to administrator
// command"; postmaster death: leave; SIGHUP: reload the settings.
void check_interrupts();

}  // namespace pmemu::walreceiver
