#include "checkpoint/checkpoint_request.h"

#include <csignal>
#include <cstdint>

namespace pmemu::checkpoint {

RequestOutcome request_checkpoint_and_wait(CheckpointerShmem& shm, const std::function<bool()>& wait_a_little) {
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

}  // namespace pmemu::checkpoint
