// The walsender: a connection child that authenticated with
// replication=true (SPEC 7). It serves replication commands and streams WAL
// in CopyBoth until the client stops, the server stops it (the PM_SHUTDOWN_2
// guarantee: everything through the shutdown checkpoint record is sent and
// confirmed first), or an error ends it.
#pragma once

#include <string>

namespace pmemu::walsender {

// What the connection child hands over once authentication succeeded. The
// walsender owns sock_fd from here on.
struct WalSenderStart {
  int sock_fd = -1;
  std::string user;
  std::string client_addr;   // "127.0.0.1", or "" over the Unix socket
  std::string host_port;     // "127.0.0.1(40112)" or "[local]", for the title
  std::string application_name;
  // AuthenticationOk .. ReadyForQuery, rendered by the connection child and
  // sent only once a WalSndCtl slot is ours (else a 53300 FATAL goes instead).
  std::string startup_messages;
  // Bytes the client sent right after its start-up packet.
  std::string pipelined_input;
};

// Called in the connection child after authentication, with its PMSignal
// flag ACTIVE and its proc slot begun. Leaves with _exit: 0 on a clean end,
// 1 on FATAL, 2 on SIGQUIT.
[[noreturn]] void walsender_main(const WalSenderStart& start);

}  // namespace pmemu::walsender
