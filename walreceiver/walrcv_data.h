// WalRcvData: what the startup process and the walreceiver share on a
// standby (PostgreSQL's walreceiver.h).
//
// Ownership:
// - conninfo, slot_name, receive_start, receive_start_tli: written by the
//   startup process while state is Stopped, before it raises
//   PMSIGNAL_START_WALRECEIVER; read by the walreceiver when it starts. The
//   state change to Starting (release) publishes them.
// - state: Stopped -> Starting by the startup process; Starting -> Streaming
//   by the walreceiver; back to Stopped by the walreceiver when it exits (or
//   by the startup process if a requested walreceiver never appeared). CAS
//   keeps the two writers apart.
// - pid, written_upto, flushed_upto, latest_wal_end, last_msg_*_time,
//   received_tli, sender_host, sender_port: written only by the walreceiver.
//   flushed_upto is everything on disk (fsynced) below it, so the startup
//   process may read and replay up to it; atomics with release/acquire.
// - startup_latch_slot: set by the startup process so the walreceiver can
//   wake it after each flush.
// - ready_to_display: 1 once the walreceiver's fields describe a live
//   connection (pg_stat_wal_receiver).
// No locks: every field has one writer at a time.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace pmemu::walreceiver {

enum class WalRcvState : std::uint32_t { Stopped = 0, Starting = 1, Streaming = 2, Stopping = 3 };

struct WalRcvData {
  std::atomic<std::uint32_t> state;
  std::atomic<std::int32_t> pid;
  char conninfo[1024];
  char slot_name[64];
  std::uint64_t receive_start;
  std::uint32_t receive_start_tli;
  std::atomic<std::uint64_t> written_upto;
  std::atomic<std::uint64_t> flushed_upto;
  std::atomic<std::uint64_t> latest_wal_end;
  std::atomic<std::uint32_t> received_tli;
  std::atomic<std::int64_t> last_msg_send_time;     // µs since 2000-01-01, from the primary
  std::atomic<std::int64_t> last_msg_receipt_time;  // same clock, ours
  std::atomic<std::uint32_t> startup_latch_slot;    // ChildSlot of the startup process
  std::atomic<std::uint32_t> ready_to_display;
  char sender_host[256];
  std::atomic<std::int32_t> sender_port;

  static std::size_t shmem_size() { return sizeof(WalRcvData); }
  static WalRcvData* shmem_init(void* where) { return static_cast<WalRcvData*>(where); }  // zero-filled
};

}  // namespace pmemu::walreceiver
