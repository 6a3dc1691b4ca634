// The state of the one walsender in this process and the things every part
// of it does: interrupt checks, error replies and the way out. Internal to
// walsender/.
//
// The walsender's machine (replication::WalSnd::state), every cell decided:
//
// | event \ state            | STARTUP (commands)  | CATCHUP / STREAMING          | STOPPING                      |
// | ------------------------ | ------------------- | ---------------------------- | ----------------------------- |
// | replication command      | run it, stay        | (not read: CopyBoth)         | 55000, stay                   |
// | START_REPLICATION ok     | -> CATCHUP; stay if | -                            | -                             |
// |                          | the timeline ended  |                              |                               |
// |                          | at the start (only  |                              |                               |
// |                          | next-timeline row)  |                              |                               |
// | caught up with flush     | -                   | CATCHUP -> STREAMING         | stay                          |
// | switch point sent        | -                   | (historic timeline) send     | same                          |
// |                          |                     | CopyDone, keep reading       |                               |
// | client CopyDone          | -                   | CopyDone unless sent; next-  | reply, exit 0                 |
// |                          |                     | timeline row if historic;    |                               |
// |                          |                     | -> STARTUP                   |                               |
// | stop request (ckptr)     | FATAL 57P01, exit 1 | -> STOPPING                  | stay                          |
// | SIGUSR2 / ckpt done flag | note it             | note it: last cycle          | last cycle: send all, wait    |
// |                          |                     |                              | for confirm, COPY 0, exit 0   |
// | silent past timeout      | -                   | ping at 1/2, exit 0 at 1x    | same                          |
// | SIGTERM                  | FATAL 57P01, exit 1 | FATAL 57P01, exit 1          | FATAL 57P01, exit 1           |
// | SIGQUIT                  | exit 2              | exit 2                       | exit 2                        |
// | client gone / Terminate  | exit 0              | exit 0                       | exit 0                        |
// | postmaster death         | exit 1              | exit 1                       | exit 1                        |
#pragma once

#include <optional>
#include <string>

#include "protocol/pg_error.h"
#include "protocol/replication_commands.h"
#include "walsender/repl_conn.h"
#include "replication/walsnd_ctl.h"

namespace pmemu::walsender {

struct WalSenderProc {
  ReplConn conn;
  replication::WalSndCtl* ctl = nullptr;
  replication::WalSnd* me = nullptr;
  std::string user;
  std::string host_port;
  bool streaming = false;       // inside START_REPLICATION's CopyBoth
  bool last_cycle = false;      // SIGUSR2 or the checkpointer's flag: send all, then stop

  explicit WalSenderProc(int fd) : conn(fd) {}

  // Publishes the state and writes a walsender_state event (SPEC 10.1).
  void set_state(replication::WalSndState s);
  [[nodiscard]] replication::WalSndState state() const { return static_cast<replication::WalSndState>(me->state.load()); }
  void set_title(const std::string& what);
};

// Looks at signals, postmaster death and the stop flags; handles those that
// end the process (SIGQUIT, SIGTERM, death, stopping while idle) itself.
void check_interrupts(WalSenderProc& p);

[[noreturn]] void walsender_exit(WalSenderProc& p, int code);
// Sends all buffered output, waiting for the socket and checking interrupts.
// False if the client went away.
[[nodiscard]] bool flush_all(WalSenderProc& p);
// Sleeps up to `ms` (or until the latch/a signal), then checks interrupts.
void nap(WalSenderProc& p, int ms);
// FATAL to the client and the log, then exit 1.
[[noreturn]] void walsender_fatal(WalSenderProc& p, const protocol::PgError& error);

// Runs one command (commands.cpp); output goes to p.conn.out(). An error is
// returned for the caller to send; ReadyForQuery is the caller's.
[[nodiscard]] std::optional<protocol::PgError> exec_command(WalSenderProc& p, const protocol::repl::Command& cmd);

// START_REPLICATION (streaming.cpp): CopyBoth until the client ends it or a
// historic timeline's switch point was sent and the client answered (then
// the next-timeline row, if any, and the CommandCompletes are queued), or
// the server stops (exits).
[[nodiscard]] std::optional<protocol::PgError> start_replication(WalSenderProc& p,
                                                                 const protocol::repl::StartReplication& cmd);

}  // namespace pmemu::walsender
