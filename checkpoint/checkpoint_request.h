// Asking the checkpointer for a checkpoint and waiting for it, as
// PostgreSQL's RequestCheckpoint(CHECKPOINT_IMMEDIATE | CHECKPOINT_WAIT):
// wait for a checkpoint that *started* after the request, then for it to end.
#pragma once

#include <functional>

#include "checkpoint/checkpointer_shmem.h"

namespace pmemu::checkpoint {

enum class RequestOutcome { Done, Failed, NoCheckpointer, Interrupted };

// `wait_a_little` sleeps a few ms (handling the caller's interrupts) and
// returns false to give up (e.g. a cancel request).
[[nodiscard]] RequestOutcome request_checkpoint_and_wait(CheckpointerShmem& shm,
                                                         const std::function<bool()>& wait_a_little);

}  // namespace pmemu::checkpoint
