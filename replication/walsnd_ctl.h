// WalSndCtl: one slot per walsender (max_wal_senders of them), the
// shutdown handshake flags, and the table of physical replication slots.
// PostgreSQL's WalSndCtlData + ReplicationSlotCtl in one area.
//
// Ownership (who writes what, under which protection):
//
// - magic, max_wal_senders: written by shmem_init() in the postmaster before
//   any fork; read-only afterwards.
// - WalSnd::pid: claimed by a walsender with a compare-exchange 0 -> pid
//   (so two walsenders never share a slot, without a lock) and reset to 0 by
//   that same walsender on its way out. The postmaster never reads it.
// - WalSnd::published: set (release) by the owner after it filled
//   proc_slot, application_name and client_addr, cleared before pid goes
//   back to 0; readers (pg_stat_replication, announce_flushed) look at a slot only
//   while published is 1, so they never see half-written identity text. The
//   text fields never change while published.
// - WalSnd::state, sent, write, flush, apply, reply_time: written only by
//   the owner, relaxed atomics; a reader may see a mix of old and new
//   positions, which is what PostgreSQL's readers accept too (each value is
//   individually valid and monotonic except state).
// - WalSnd::announced: the highest flush position some process has already
//   sent this walsender a kWalFlushed imessage for; raised only (CAS max) by
//   the announcers, reset to 0 by the owner in claim_slot(). It keeps a burst
//   of commits from queueing one message per commit per walsender when one
//   message with the newest position says it all.
// - WalSnd::sync_priority: reserved for synchronous replication (written by
//   the owner when it re-reads synchronous_standby_names); 0 today.
// - stop_requested (per slot) / init_stopping (global): set by the
//   checkpointer before the shutdown checkpoint (WalSndInitStopping); the
//   walsender answers by moving to STOPPING (or exiting if not streaming).
// - slot_lock guards repl_slots[] and slots_loaded. The table is loaded
//   from pg_replslot/ by the first process that needs it (slots_loaded 0 ->
//   1); a crash restart rebuilds the segment, so it is loaded again. The lock
//   is robust: a holder that dies turns into a crash restart.
//
// Nothing here is a pointer: processes find each other's latches through
// proc_slot (an index into ProcSlots).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <vector>

#include "shmem/proc_slots.h"
#include "shmem/robust_mutex.h"
#include "wal/atomic_lsn.h"
#include "wal/lsn.h"

namespace pmemu::replication {

// PostgreSQL's WalSndState values; do not renumber.
enum class WalSndState : std::uint32_t { Startup = 0, Backup = 1, Catchup = 2, Streaming = 3, Stopping = 4 };
[[nodiscard]] const char* state_name(WalSndState s);  // "startup", "catchup", ...

inline constexpr std::size_t kMaxSlotName = 64;  // NAMEDATALEN
inline constexpr std::size_t kMaxReplicationSlots = 16;

struct WalSnd {
  std::atomic<std::int32_t> pid;
  std::atomic<std::uint32_t> published;
  std::atomic<std::uint32_t> state;
  std::atomic<std::uint32_t> stop_requested;
  std::uint32_t proc_slot;  // index into ProcSlots: where this walsender's latch lives
  AtomicLsn sent;
  AtomicLsn write;
  AtomicLsn flush;
  AtomicLsn apply;
  std::atomic<std::int64_t> reply_time;  // PostgreSQL-epoch microseconds, 0 = none yet
  std::atomic<std::uint32_t> sync_priority;
  AtomicLsn announced;
  char application_name[64];
  char client_addr[64];
};

struct ReplSlot {
  std::uint32_t in_use;
  std::uint32_t temporary;
  std::int32_t active_pid;  // walsender streaming from it, or 0
  std::uint32_t restart_tli;
  std::uint64_t restart_lsn;
  std::uint64_t saved_restart_lsn;  // what pg_replslot/<name>/state holds
  char name[kMaxSlotName];
};

struct WalSndCtl {
  static constexpr std::uint32_t kMagic = 0x57534E44;  // "WSND"
  std::uint32_t magic;
  std::uint32_t max_wal_senders;
  std::atomic<std::uint32_t> init_stopping;
  shmem::RobustMutex slot_lock;
  std::uint32_t slots_loaded;  // under slot_lock
  ReplSlot repl_slots[kMaxReplicationSlots];  // under slot_lock
  WalSnd walsnds[1];  // really max_wal_senders entries

  [[nodiscard]] static std::size_t shmem_size(std::uint32_t max_wal_senders);
  // Postmaster only, on fresh memory aligned to 64, before any fork.
  static WalSndCtl* shmem_init(void* where, std::uint32_t max_wal_senders);
};

static_assert(std::is_standard_layout_v<WalSndCtl>);
static_assert(std::is_trivially_destructible_v<WalSndCtl>);

// --- walsender side ---
struct SlotIdentity {
  std::uint32_t proc_slot = 0;
  std::string application_name;
  std::string client_addr;
};
// Claims a free slot for this process (state Startup, positions invalid);
// nullptr when all max_wal_senders are taken.
[[nodiscard]] WalSnd* claim_slot(WalSndCtl& ctl, std::int32_t pid, const SlotIdentity& who);
void release_slot(WalSnd& w);

// --- anyone ---
// Tells every streaming walsender, with a kWalFlushed imessage, that WAL is
// flushed up to `flushed` (ipc/lsn_notice.h: its latch if no message can be
// queued). Call after advancing the flush position; walsenders already told
// about `flushed` or more get nothing.
void announce_flushed(WalSndCtl& ctl, Lsn flushed);
// announce_flushed as the on-flushed hook of a process's WAL writer
// (wal/xlog.h); does nothing without the area.
[[nodiscard]] std::function<void(Lsn)> announcer(WalSndCtl* ctl);

// Lowest Lsn some live walsender may still read (its sent position), or an
// invalid Lsn if none streams. Used with the slots' floor by the checkpointer.
[[nodiscard]] Lsn oldest_sent(const WalSndCtl& ctl);

// --- checkpointer side (PostgreSQL's WalSndInitStopping / WalSndWaitStopping) ---
void init_stopping(WalSndCtl& ctl, shmem::ProcSlots& procs);
// True once every slot is free or STOPPING. The checkpointer polls it.
[[nodiscard]] bool all_stopping(const WalSndCtl& ctl);
// Called after the shutdown checkpoint record is flushed: rings every
// walsender so that it sends the record at once. The request to finish is
// the postmaster's (PmSignalData::walsender_last_cycle, at PM_SHUTDOWN_2).
void wake_for_shutdown_checkpoint(const WalSndCtl& ctl, shmem::ProcSlots& procs);

// A reader's consistent-enough copy of one slot for pg_stat_replication.
struct WalSndSnapshot {
  std::int32_t pid = 0;
  WalSndState state = WalSndState::Startup;
  Lsn sent, write, flush, apply;
  std::int64_t reply_time = 0;
  std::string application_name, client_addr;
};
[[nodiscard]] std::vector<WalSndSnapshot> snapshot(const WalSndCtl& ctl);

}  // namespace pmemu::replication
