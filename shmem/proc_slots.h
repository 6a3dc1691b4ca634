// One slot per possible postmaster child: who runs there, its latch, and what
// pg_stat_activity shows about it.
//
// Ownership:
// - The slot array size is fixed at init (the postmaster's private copy of the
//   count is authoritative for it).
// - pid, cancel_key, backend_type: written by the child that owns the slot,
//   when it starts (pid last, with release order, so a reader that sees the pid
//   sees the rest); cleared (pid = 0) by that child on clean exit. The
//   postmaster never reads them: it has its own private child table.
// - latch: see Latch below.
// - activity fields (state, query, client_addr, application_name, user_name,
//   backend_start): written only by the owner, inside a change-count bracket
//   (odd while writing). Readers copy and retry until they see the same even
//   count before and after: a torn read is never shown, and a writer never
//   waits for a reader.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

#include "common/strong_id.h"

namespace pmemu::shmem {

// A latch: "something happened, look again". set() from any process; only the
// owner waits on it (ipc/wait.h) and resets it.
// - is_set: 1 between set() and the owner's reset().
// - owner_pid: the process to ring (SIGUSR1) when set while it may be asleep.
// - maybe_sleeping: 1 while the owner is inside (or about to enter) its wait;
//   set() sends the signal only then, so a busy owner costs no syscall.
struct Latch {
  std::atomic<std::uint32_t> is_set;
  std::atomic<std::int32_t> owner_pid;
  std::atomic<std::uint32_t> maybe_sleeping;
};

void set_latch(Latch& latch);

struct ActivitySnapshot {
  pid_t pid = 0;
  std::string backend_type, state, query, client_addr, application_name, user_name;
  std::int64_t backend_start = 0;
};

struct ProcSlot {
  std::atomic<std::int32_t> pid;
  std::atomic<std::int32_t> cancel_key;
  char backend_type[32];
  Latch latch;
  std::atomic<std::uint32_t> change_count;
  char state[32];
  char query[1024];
  char client_addr[64];
  char application_name[64];
  char user_name[64];
  std::int64_t backend_start;
};

struct ProcSlots {
  std::uint32_t count;
  // Client backends holding a max_connections place: each increments it when
  // its session starts and decrements it on a clean exit. Rebuilt from zero
  // with the segment after a crash.
  std::atomic<std::int32_t> client_backends;
  ProcSlot slots[1];  // really `count` entries

  static std::size_t shmem_size(std::uint32_t count);
  static ProcSlots* shmem_init(void* where, std::uint32_t count);
  [[nodiscard]] ProcSlot* get(ChildSlot s) {
    return s.valid() && s.get() < count ? &slots[s.get()] : nullptr;
  }
};

// Owner side. `begin` claims the slot for this process.
void proc_slot_begin(ProcSlot& slot, pid_t pid, std::int32_t cancel_key, const std::string& backend_type);
void proc_slot_end(ProcSlot& slot);
void proc_slot_set_activity(ProcSlot& slot, const std::string& state, const std::string& query);
void proc_slot_set_identity(ProcSlot& slot, const std::string& client_addr, const std::string& application_name,
                            const std::string& user_name);

// Reader side: a consistent copy, or nullopt-like empty pid if free.
ActivitySnapshot proc_slot_read(const ProcSlot& slot);

}  // namespace pmemu::shmem
