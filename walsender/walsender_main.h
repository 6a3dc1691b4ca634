// The walsender: a connection child that authenticated with
// replication=true (SPEC 7). It serves replication commands and streams WAL
// in CopyBoth until the client stops, the server stops it (the PM_SHUTDOWN_2
// guarantee: everything through the shutdown checkpoint record is sent and
// confirmed first), or an error ends it.
#pragma once

#include "replication/walsender_start.h"

namespace pmemu::walsender {

// Called in the connection child after authentication, with its PMSignal
// flag ACTIVE and its proc slot begun. Leaves with _exit: 0 on a clean end,
// 1 on FATAL, 2 on SIGQUIT.
[[noreturn]] void walsender_main(const replication::WalSenderStart& start);

}  // namespace pmemu::walsender
