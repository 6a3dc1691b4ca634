#pragma once
namespace pmemu::walreceiver {
// Streams WAL from the primary on a standby. The replication issue builds it;
// until then a request for one (PMSIGNAL_START_WALRECEIVER) is refused by this
// entry point with a FATAL log line and exit 1, which the postmaster treats as
// an ordinary exit.
[[noreturn]] void walreceiver_main();
}  // namespace pmemu::walreceiver
