// PMSignal: how children tell the postmaster something, and how the
// postmaster learns which children are walsenders.
//
// Ownership (no locks anywhere; every field is a lock-free atomic written by
// exactly one side at a time):
// - flags[reason]: set to 1 by any child (then SIGUSR1 to the postmaster);
//   read and cleared by the postmaster only. Two senders of one reason may be
//   seen as one: every reason is a "look again" request, so that is fine.
// - quit_reason: written by the postmaster just before it sends SIGQUIT; read
//   by children in their SIGQUIT path to choose the WARNING text.
// - walsender_last_cycle: set by the postmaster at PM_SHUTDOWN_2, just
//   before it rings the walsenders (SIGUSR2): the shutdown checkpoint is
//   written, send the rest and stop. Read by walsenders.
// - num_child_flags: fixed at init; the postmaster uses its private copy.
// - child_flags[i]: the postmaster sets ASSIGNED before forking the child of
//   slot i and UNUSED after reaping it; the child moves ASSIGNED -> ACTIVE
//   when it starts using shared memory, ACTIVE -> WALSENDER (one way) when it
//   becomes a walsender, and back to ASSIGNED on a clean exit. A slot found
//   ACTIVE or WALSENDER after the child died means it skipped its cleanup:
//   the postmaster treats that as a crash (the "dead man switch").
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <sys/types.h>

#include "common/strong_id.h"

namespace pmemu::shmem {

enum class PmSignalReason : std::uint32_t {  // do not renumber
  RecoveryStarted = 0,
  BeginHotStandby = 1,
  StartWalReceiver = 2,
  AdvanceStateMachine = 3,
  Count = 4,
};

enum class QuitReason : std::uint32_t { NotSent = 0, ForCrash = 1, ForStop = 2 };

enum class ChildFlag : std::uint32_t { Unused = 0, Assigned = 1, Active = 2, WalSender = 3 };

struct PmSignalData {
  std::atomic<std::uint32_t> flags[static_cast<std::size_t>(PmSignalReason::Count)];
  std::atomic<std::uint32_t> quit_reason;
  std::atomic<std::uint32_t> walsender_last_cycle;
  std::uint32_t num_child_flags;
  std::atomic<std::uint32_t> child_flags[1];  // really num_child_flags entries

  static std::size_t shmem_size(std::uint32_t num_child_flags);
  static PmSignalData* shmem_init(void* where, std::uint32_t num_child_flags);
};

// --- child side ---
// Sets the flag and rings the postmaster (SIGUSR1).
void send_postmaster_signal(PmSignalData& pm, Pid postmaster, PmSignalReason reason);
void mark_child_active(PmSignalData& pm, ChildSlot slot);
void mark_child_walsender(PmSignalData& pm, ChildSlot slot);
void mark_child_inactive(PmSignalData& pm, ChildSlot slot);  // clean exit
[[nodiscard]] QuitReason quit_reason(const PmSignalData& pm);

// --- postmaster side ---
[[nodiscard]] bool check_postmaster_signal(PmSignalData& pm, PmSignalReason reason);
void set_quit_reason(PmSignalData& pm, QuitReason reason);
void mark_slot_assigned(PmSignalData& pm, ChildSlot slot);
// Releases the slot; returns false if the child left it ACTIVE/WALSENDER.
[[nodiscard]] bool release_slot(PmSignalData& pm, ChildSlot slot);
[[nodiscard]] bool is_walsender(const PmSignalData& pm, ChildSlot slot);

}  // namespace pmemu::shmem
