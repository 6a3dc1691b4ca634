// The postmaster's main loop: turns signals, child exits and new connections
// into events for the state machine (pm_state.h), and carries out the
// actions it returns. Nothing here waits on shared memory.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "postmaster/listen.h"
#include "postmaster/ipci.h"
#include "shmem/segment.h"

namespace pmemu::postmaster {

struct ServerSetup {
  std::vector<ListenSocket> listeners;
  std::unique_ptr<shmem::Segment> segment;
  std::uint64_t shm_key = 0;
  ShmemParams shmem_params{};
};

// Runs until the state machine says exit; returns the exit code.
[[nodiscard]] int run_server_loop(ServerSetup& setup);

}  // namespace pmemu::postmaster
