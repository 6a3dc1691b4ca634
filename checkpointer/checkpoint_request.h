// Asking the checkpointer for a checkpoint and waiting for it, as
// PostgreSQL's RequestCheckpoint(CHECKPOINT_IMMEDIATE | CHECKPOINT_WAIT):
// wait for a checkpoint that *started* after the request, then for it to end.
#pragma once

#include <functional>
#include <csignal>
#include <string>

#include "checkpointer/checkpointer_shmem.h"
#include "ipc/process_env.h"

namespace pmemu::checkpointer {

enum class RequestOutcome { Done, Failed, NoCheckpointer, Interrupted };

// `wait_a_little` sleeps a few ms (handling the caller's interrupts) and
// returns false to give up (e.g. a cancel request). Header-only so that
// backup/ and backend/ can use it without linking the checkpointer process.
[[nodiscard]] inline RequestOutcome request_checkpoint_and_wait(const std::function<bool()>& wait_a_little) {
  auto& shm = *ipc::env().areas.checkpointer;
  const std::uint64_t before = shm.started.load();
  const std::uint64_t failed_before = shm.failed.load();
  shm.requests.fetch_add(1);
  const pid_t pid = shm.checkpointer_pid.load();
  if (pid <= 0) return RequestOutcome::NoCheckpointer;
  ::kill(pid, SIGINT);  // the doorbell; the request itself is the counter
  while (shm.started.load() == before)
    if (!wait_a_little()) return RequestOutcome::Interrupted;
  const std::uint64_t target = shm.started.load();
  while (shm.done.load() < target)
    if (!wait_a_little()) return RequestOutcome::Interrupted;
  return shm.failed.load() != failed_before ? RequestOutcome::Failed : RequestOutcome::Done;
}

}  // namespace pmemu::checkpointer
