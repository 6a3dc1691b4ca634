// Forking children: what every child does first, then its entry point
// (kAuxEntries for the auxiliary processes, backend_main for a connection,
// which may hand over to walsender_main). Entry points never return: a child leaves with _exit, so it never
// runs the postmaster's destructors or atexit handlers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backend/backend_main.h"
#include "common/strong_id.h"
#include "postmaster/listen.h"
#include "postmaster/pm_state.h"

namespace pmemu::postmaster {

// Forks an auxiliary child (startup, checkpointer, walreceiver).
// Pid{} if fork failed (errno set).
Pid launch_aux(ChildKind kind, ChildSlot slot, std::vector<ListenSocket>* listeners);
// Forks a connection child; `conn.sock_fd` is closed in the parent afterwards
// by the caller.
Pid launch_connection(const backend::ConnectionStart& conn, ChildSlot slot, std::vector<ListenSocket>* listeners);

}  // namespace pmemu::postmaster
