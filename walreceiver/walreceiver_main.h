#pragma once
namespace pmemu::walreceiver {
// Streams WAL from the primary on a standby, forked by the postmaster when
// the startup process raises PMSIGNAL_START_WALRECEIVER. Follows timeline
// switches on the same connection (Waiting / Restarting in walrcv_data.h).
// Exits 1 (FATAL) on any break or when the startup process stops it; the
// startup process asks for a new one.
[[noreturn]] void walreceiver_main();
}  // namespace pmemu::walreceiver
