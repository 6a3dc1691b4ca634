// What a connection child hands over once a replication connection has
// authenticated: the connection child (backend/) reads the start-up packet
// and authenticates; the walsender (walsender/) serves it from there. The
// hand-over goes through this struct and a function pointer the postmaster's
// launch code sets, so that neither process folder includes the other.
#pragma once

#include <string>

namespace pmemu::replication {

struct WalSenderStart {
  int sock_fd = -1;  // owned by the walsender from the hand-over on
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

// The walsender's entry point, as the connection child calls it. It never
// returns: it leaves with _exit (0 on a clean end, 1 on FATAL, 2 on SIGQUIT).
using WalSenderEntry = void (*)(const WalSenderStart&);

}  // namespace pmemu::replication
