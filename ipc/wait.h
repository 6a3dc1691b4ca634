// The one wait primitive: sleep until the latch is set, a socket is ready, a
// signal arrived, the timeout passed, or the postmaster died; say which.
#pragma once

#include <cstdint>

#include "shmem/proc_slots.h"

namespace pmemu::ipc {

enum WaitEvent : std::uint32_t {
  kWaitLatch = 1u << 0,
  kWaitSocketReadable = 1u << 1,
  kWaitSocketWritable = 1u << 2,
  kWaitTimeout = 1u << 3,
  kWaitPostmasterDeath = 1u << 4,
  kWaitSignal = 1u << 5,  // some signal flag may be set (ipc/signals.h)
  kWaitMessage = 1u << 6,  // the imessage queue has messages
};

// Lets the wait also end when a message arrives (ipc/imessage.h's
// Mailbox::wait_hook() fills it). before_sleep announces that the process may
// sleep and returns true if messages already wait (then no sleep happens);
// after_sleep withdraws the announcement and returns true if messages wait.
struct MessageWait {
  void* ctx = nullptr;
  bool (*before_sleep)(void* ctx) = nullptr;
  bool (*after_sleep)(void* ctx) = nullptr;
};

struct WaitSpec {
  shmem::Latch* latch = nullptr;  // owned by this process, or null
  int socket_fd = -1;
  bool want_read = false;
  bool want_write = false;
  int timeout_ms = -1;  // -1: no timeout
  bool watch_postmaster = true;  // false in the postmaster itself
  MessageWait messages;  // empty: messages do not end the wait
};

// Returns a mask of WaitEvent; at least one bit is set.
[[nodiscard]] std::uint32_t wait_event(const WaitSpec& spec);

// Clears the latch; the owner calls this before re-checking its conditions.
void reset_latch(shmem::Latch& latch);

// A child's usual wait: what `spec` asks for and this process's own latch
// (when it has a proc slot; spec.latch is replaced). The latch is reset
// before returning, so the caller re-checks its conditions after every
// wake-up. Returns the events, as wait_event.
[[nodiscard]] std::uint32_t wait_on_my_latch(WaitSpec spec);

}  // namespace pmemu::ipc
