#pragma once
namespace pmemu::walreceiver {
// Streams WAL from the primary on a standby, forked by the postmaster when
// the startup process raises PMSIGNAL_START_WALRECEIVER. Exits 1 (FATAL) on
// any break; the startup process asks for a new one.
[[noreturn]] void walreceiver_main();
}  // namespace pmemu::walreceiver
