// Entry point of a connection child: reads the start-up packet, then becomes
// a client backend (or, in the replication issue, a walsender), or refuses
// the connection as a dead-end child.
#pragma once

#include <string>

#include "replication/walsender_start.h"

namespace pmemu::backend {

// Why the postmaster would (not) take this connection, decided before fork.
enum class Admission { Ok, StartingUp, ShuttingDown, NotConsistent, HotStandbyOff, InRecoveryMode, TooMany };

struct ConnectionStart {
  int sock_fd = -1;
  bool is_unix = false;
  std::string remote_host;  // "127.0.0.1" or "[local]"
  int remote_port = 0;
  Admission admission = Admission::Ok;
  // Where a replication connection goes once authenticated (set by the
  // postmaster's launch code, which knows every entry point).
  replication::WalSenderEntry become_walsender = nullptr;
};

[[noreturn]] void backend_main(const ConnectionStart& start);

}  // namespace pmemu::backend
