// WalRcvData: what the startup process and the walreceiver share on a
// standby (PostgreSQL's walreceiver.h).
//
// Ownership:
// - conninfo, slot_name, receive_start, receive_start_tli: written by the
//   startup process only while state is Stopped (before it raises
//   PMSIGNAL_START_WALRECEIVER) or Waiting (the walreceiver is idle then and
//   reads nothing); the state change to Starting or Restarting (release)
//   publishes them, and the walreceiver reads them after seeing that state
//   (acquire).
// - state: see the table below. Every change is a CAS from the state the
//   writer saw, so the startup process and the walreceiver never overwrite
//   each other's step; Stopped is stored plainly by the one walreceiver on
//   its way out (or by the startup process once no walreceiver can exist).
// - flushed_upto, received_tli: the walreceiver advances flushed_upto
//   (release) after each fsync while Streaming; everything below it on
//   received_tli's files is durable, so the startup process may replay it.
//   The startup process resets both when it requests a stream on another
//   timeline (only in Stopped or Waiting, so never concurrently with the
//   walreceiver). In Waiting, flushed_upto is where the primary ended the
//   timeline just streamed.
// - pid, written_upto, latest_wal_end, last_msg_*_time, sender_host,
//   sender_port, walrcv_latch_slot, ready_to_display: written only by the
//   walreceiver. ready_to_display is 1 once the others describe a live
//   connection (pg_stat_wal_receiver).
// - startup_latch_slot: set by the startup process so the walreceiver can
//   wake it after each flush and when it goes Waiting; walrcv_latch_slot is
//   the walreceiver's own, so the startup process can wake it out of Waiting.
// No locks: every field has one writer at a time.
//
// The state machine, every cell decided ("-": cannot happen or no change):
//
// | event \ state         | Stopped     | Starting      | Streaming       | Waiting        | Restarting     | Stopping |
// | --------------------- | ----------- | ------------- | --------------- | -------------- | -------------- | -------- |
// | startup requests      | -> Starting | -             | -               | -> Restarting  | -              | -        |
// |   (startup process)   | + PMSignal  |               |                 | + set latch    |                |          |
// | walreceiver begins    | exit        | -> Streaming  | -               | -              | -> Streaming   | exit     |
// | primary ends timeline | -           | -             | -> Waiting      | -              | -              | -        |
// | startup stops it      | -           | -> Stopping   | -> Stopping     | -> Stopping    | -> Stopping    | -        |
// |   (then SIGTERM)      |             |               |                 |                |                |          |
// | walreceiver exits     | -           | -> Stopped    | -> Stopped      | -> Stopped     | -> Stopped     | Stopped  |
// | never started in 10 s | -           | -> Stopped    | -               | -              | -              | -        |
// |   (startup process)   |             |               |                 |                |                |          |
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "wal/atomic_lsn.h"

namespace pmemu::replication {

// Values live only in shared memory; the names are pg_stat_wal_receiver's.
enum class WalRcvState : std::uint32_t {
  Stopped = 0,
  Starting = 1,    // requested; the process is not connected yet
  Streaming = 2,   // connected (or connecting) and receiving one timeline
  Stopping = 3,    // the startup process wants it gone
  Waiting = 4,     // the primary ended the timeline; connected, idle, awaiting a new start
  Restarting = 5,  // the startup process gave a new start to a Waiting walreceiver
};

[[nodiscard]] constexpr std::string_view state_name(WalRcvState s) {
  switch (s) {
    case WalRcvState::Stopped: return "stopped";
    case WalRcvState::Starting: return "starting";
    case WalRcvState::Streaming: return "streaming";
    case WalRcvState::Stopping: return "stopping";
    case WalRcvState::Waiting: return "waiting";
    case WalRcvState::Restarting: return "restarting";
  }
  return "unknown";
}

struct WalRcvData {
  std::atomic<std::uint32_t> state;
  std::atomic<std::int32_t> pid;
  char conninfo[1024];
  char slot_name[64];
  std::uint64_t receive_start;
  std::uint32_t receive_start_tli;
  AtomicLsn written_upto;
  AtomicLsn flushed_upto;
  AtomicLsn latest_wal_end;
  std::atomic<std::uint32_t> received_tli;
  std::atomic<std::int64_t> last_msg_send_time;     // µs since 2000-01-01, from the primary
  std::atomic<std::int64_t> last_msg_receipt_time;  // same clock, ours
  std::atomic<std::uint32_t> startup_latch_slot;    // ChildSlot of the startup process
  std::atomic<std::uint32_t> walrcv_latch_slot;     // ChildSlot of the walreceiver
  std::atomic<std::uint32_t> ready_to_display;
  char sender_host[256];
  std::atomic<std::int32_t> sender_port;

  [[nodiscard]] WalRcvState current() const { return static_cast<WalRcvState>(state.load(std::memory_order_acquire)); }
  // One step of the table above: true if the state was `from` and is now `to`.
  bool transition(WalRcvState from, WalRcvState to) {
    auto expected = static_cast<std::uint32_t>(from);
    return state.compare_exchange_strong(expected, static_cast<std::uint32_t>(to), std::memory_order_acq_rel);
  }
  void set_stopped() { state.store(static_cast<std::uint32_t>(WalRcvState::Stopped), std::memory_order_release); }

  static std::size_t shmem_size() { return sizeof(WalRcvData); }
  static WalRcvData* shmem_init(void* where) { return static_cast<WalRcvData*>(where); }  // zero-filled
};

}  // namespace pmemu::replication
