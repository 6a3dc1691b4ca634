// What backends and the checkpointer share about checkpoint requests.
//
// Ownership (lock-free, counters only grow):
// - checkpointer_pid: written by the checkpointer when it starts and cleared
//   when it exits; read by requesters to send SIGINT (the doorbell).
// - requests: incremented by a requester (CHECKPOINT); the checkpointer reads
//   it and, when it has grown, starts a checkpoint.
// - started / done: written only by the checkpointer. A requester that saw
//   `started == s` before asking waits until `done > s`, i.e. a checkpoint
//   that began after its request has finished, as PostgreSQL's
//   ckpt_started/ckpt_done protocol.
// - failed: incremented by the checkpointer when a checkpoint failed.
// - recovery_done: set to 1 by the startup process once WAL may be written
//   (after its end-of-recovery work); the checkpointer makes no checkpoint
//   before that. Reset with the segment on crash restart.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace pmemu::checkpoint {

struct CheckpointerShmem {
  std::atomic<std::int32_t> checkpointer_pid;
  std::atomic<std::uint64_t> requests;
  std::atomic<std::uint64_t> started;
  std::atomic<std::uint64_t> done;
  std::atomic<std::uint64_t> failed;
  std::atomic<std::uint32_t> recovery_done;
  // Set by the postmaster right before it rings the checkpointer (SIGUSR2)
  // at PM_SHUTDOWN: SIGUSR2 is only a doorbell (SPEC 8), this is the reason.
  std::atomic<std::uint32_t> shutdown_requested;

  static std::size_t shmem_size() { return sizeof(CheckpointerShmem); }
  static CheckpointerShmem* shmem_init(void* where) {
    auto* c = static_cast<CheckpointerShmem*>(where);  // zero-filled segment: all counters 0
    return c;
  }
};

}  // namespace pmemu::checkpoint
