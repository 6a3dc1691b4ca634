// Forking children. The table of process kinds says, for each kind, the name
// it logs and shows in ps, whether it uses shared memory, and its entry
// point. Entry points never return: a child leaves with _exit, so it never
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

struct ProcessKind {
  ChildKind kind;
  const char* backend_type;  // log TYPE and pg_stat_activity.backend_type
  bool uses_shared_memory;
  const char* limit;          // the setting that bounds how many may exist
};

[[nodiscard]] const ProcessKind& process_kind(ChildKind kind);

// Forks an auxiliary child (startup, checkpointer, walreceiver).
// Pid{} if fork failed (errno set).
Pid launch_aux(ChildKind kind, ChildSlot slot, std::vector<ListenSocket>* listeners);
// Forks a connection child; `conn.sock_fd` is closed in the parent afterwards
// by the caller.
Pid launch_connection(const backend::ConnectionStart& conn, ChildSlot slot, std::vector<ListenSocket>* listeners);

}  // namespace pmemu::postmaster
