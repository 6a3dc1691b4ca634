// The startup process's side of replication::WalRcvData (PostgreSQL's
// walreceiverfuncs.c): asking for a stream, stopping the walreceiver,
// reading how far it flushed. The protocol and who may write what are in
// walreceiver/walrcv_data.h. Startup process only; one instance.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "wal/lsn.h"
#include "replication/walrcv_data.h"

namespace pmemu::startup {

class WalReceiverControl {
 public:
  using Clock = std::chrono::steady_clock;

  // Registers this process's latch so the walreceiver can wake it.
  WalReceiverControl();

  [[nodiscard]] replication::WalRcvState state() const { return rcv_.current(); }

  // Streams `tli` from the start of the segment holding `from` (as
  // PostgreSQL's RequestXLogStreaming), with the primary_conninfo and
  // primary_slot_name in force now: a Stopped walreceiver is launched
  // through the postmaster, a Waiting one is handed the new start. Only in
  // those two states.
  void request(Lsn from, TimeLineId tli);

  // Stops the walreceiver and waits until it is gone (ShutdownWalRcv).
  void stop();

  // A requested walreceiver that has not started within 10 s is given up
  // (PostgreSQL's WALRCV_STARTUP_TIMEOUT), so the next request can go out.
  void give_up_stale_start();

  // How far `tli`'s WAL is durable on this standby, by the walreceiver's
  // account; nullopt if it streams (or last streamed) another timeline.
  [[nodiscard]] std::optional<Lsn> flushed_on(TimeLineId tli) const;

  // The timeline the walreceiver streams or last streamed.
  [[nodiscard]] TimeLineId streamed_tli() const { return TimeLineId{rcv_.received_tli.load(std::memory_order_acquire)}; }

  // Whether primary_conninfo or primary_slot_name changed since the last
  // request: the walreceiver then runs with stale settings.
  [[nodiscard]] bool settings_changed() const;

  // When the last request went out (nullopt: none yet).
  [[nodiscard]] std::optional<Clock::time_point> last_request() const { return last_request_; }

 private:
  void wake_walreceiver();

  replication::WalRcvData& rcv_;
  std::string conninfo_;  // as last requested
  std::string slot_name_;
  std::optional<Clock::time_point> last_request_;
};

}  // namespace pmemu::startup
