// XlogCtl: the WAL insert and flush state every process shares.
//
// Ownership (who writes what, and under which protection):
//
// - magic, wal_segment_size, system_identifier: written once by shmem_init()
//   in the postmaster on a fresh segment, before any fork; read-only after.
// - insert_lock guards insert_pos, prev_record and insert_tli. Every WAL
//   insert takes it, reserves [insert_pos, end), pwrites the record into the
//   segment file(s) and advances both positions before releasing it, so the
//   bytes in the files always form one chain in Lsn order and a reader never
//   sees a gap below `written`. insert_pos == 0 means "not started": only
//   Xlog::start_at (the startup process, once per server lifetime, before
//   any backend may write) sets it; inserting before that is a bug and aborts.
// - tli: the timeline new WAL is written on. Stored under insert_lock by
//   start_at only, read lock-free (flushers need the file names). It changes
//   only while nothing else writes WAL, so a relaxed reader never sees a
//   timeline that disagrees with `written`.
// - written: end of the last completed insert. Stored (release) under
//   insert_lock after the pwrite returned, so anyone who loads it (acquire)
//   may fdatasync up to it. Monotonic within a server lifetime.
// - flushed: everything below it is on disk (or fsync=off said not to care).
//   Stored (release) only under flush_lock after the fdatasyncs, or by
//   start_at. Read lock-free by committers (the fast path of group commit)
//   and by walsenders deciding how far they may send. Monotonic; always
//   <= written.
// - flush_lock is held by the one process doing fdatasync, so concurrent
//   committers queue behind it and then find their Lsn already flushed.
//
// Both locks are robust: a process dying while holding one triggers a crash
// restart (shmem/robust_mutex.h), which rebuilds this struct from pg_control
// and the WAL files, so nothing here needs repairing in place.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "shmem/robust_mutex.h"
#include "wal/atomic_lsn.h"

namespace pmemu::wal {

struct XlogCtl {
  static constexpr std::uint32_t kMagic = 0x584C4354;  // "XLCT"

  std::uint32_t magic;
  std::uint32_t wal_segment_size;
  std::uint64_t system_identifier;

  shmem::RobustMutex insert_lock;
  std::uint64_t insert_pos;   // under insert_lock
  std::uint64_t prev_record;  // under insert_lock: start of the last record inserted
  std::uint32_t insert_tli;   // under insert_lock
  std::atomic<std::uint32_t> tli;

  // Separate cache lines: committers poll `flushed` while inserters bump `written`.
  alignas(64) AtomicLsn written;
  alignas(64) AtomicLsn flushed;
  shmem::RobustMutex flush_lock;

  [[nodiscard]] static std::size_t shmem_size();
  // Postmaster only, on fresh memory aligned to alignof(XlogCtl) (64), before
  // any fork. wal_segment_size must
  // satisfy valid_segment_size(); both values come from pg_control.
  static XlogCtl* shmem_init(void* where, std::uint64_t system_identifier, std::uint32_t wal_segment_size);
};

static_assert(std::is_standard_layout_v<XlogCtl>);
static_assert(std::is_trivially_destructible_v<XlogCtl>);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

}  // namespace pmemu::wal
