// The imessage area: per-process message queues inside the fixed shared
// segment (docs/imessage.md has the picture). This header is the shared
// layout; ipc/imessage.h is the per-process handle everybody uses.
//
// Layout: AreaHeader, then one Queue per child slot, then one page-state word
// per page, then the pages (kPageSize bytes each). Only offsets and page
// indexes are stored, never pointers.
//
// Allocation is two-level. The area is a pool of fixed-size pages; a page
// belongs to at most one recipient queue at a time (PageState). Inside its
// queue a page is a bump arena of variable-size records (8-byte aligned), so
// messages of any size up to kMaxPayload cost no search and no external
// fragmentation; pages are claimed and freed in any order.
//
// Ownership, per field:
// - AreaHeader: everything except alloc_hint is written once by shmem_init()
//   (postmaster, before any fork) and never changes. alloc_hint is only a
//   scan start, bumped with relaxed fetch_add by anyone.
// - PageState[i]: 0 = free, r+1 = owned by queue r. Claimed with a CAS 0->r+1
//   by a sender holding queue r's lock; set back to 0 (release) by queue r's
//   owner when it has consumed the page, or by whoever holds r's lock while
//   resetting the queue (register/unregister/repair).
// - Page contents: a page's header and records are written only by senders
//   holding the owning queue's lock, before the tail store that publishes
//   them; after publication they are read-only until the owner frees the page.
// - Queue producer side (lock, tail, first_page, pending_page, owner_pid,
//   enqueued, bytes_enqueued): written only under `lock`. `tail` is the
//   publication point (page << 32 | offset of the first unwritten byte),
//   stored with release, read by the owner without the lock (acquire).
//   owner_pid 0 means "nobody will read this queue": senders fail.
// - Queue owner side (head_page, head_off, dequeued, bytes_dequeued): written
//   only by the slot's registered owner process (or by a new registrant under
//   the lock, when the old owner is gone). Others read the counters relaxed.
// - sent, full_waits, signals_sent: counters of the slot's owner *as a
//   sender*; written only by that owner, read relaxed by the stats view.
// - sleeping: set to 1 (seq_cst) by the owner just before it may block, back
//   to 0 after. A sender that publishes and then sees 1 (after a seq_cst
//   fence) swaps it to 0 and rings SIGUSR2: the Dekker pair (tail store /
//   sleeping load vs. sleeping store / tail load) means a message can never
//   be published unseen by a sleeper, and a busy owner costs no signal.
//
// A holder of a queue lock that dies leaves the data consistent by
// construction (see ipc/imessage_lock.h); the one repair is giving back a
// claimed-but-unpublished page named in pending_page. Nothing here is ever
// touched by the postmaster, which only sizes and initialises the area.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ipc/imessage_lock.h"

namespace pmemu::ipc::imessage {

inline constexpr std::uint32_t kPageSize = 8192;
inline constexpr std::uint32_t kMaxPayload = 4096;
inline constexpr std::uint32_t kNoPage = UINT32_MAX;
inline constexpr std::uint64_t kAreaMagic = 0x706d656d75494d31ull;  // "pmemuIM1"

// At the start of every page. next/sealed_end become meaningful when the
// queue's tail moves to another page (written before that tail store).
struct PageHeader {
  std::atomic<std::uint32_t> next;
  std::atomic<std::uint32_t> sealed_end;  // offset of the page's first unused byte
  std::uint64_t reserved;
};
inline constexpr std::uint32_t kPageDataStart = sizeof(PageHeader);

// In-memory only (same machine, same build): native endianness.
struct RecordHeader {
  std::uint32_t length;  // payload bytes
  std::uint16_t type;
  std::uint16_t reserved;
  std::int32_t sender_pid;
  std::uint32_t sender_slot;
};
static_assert(sizeof(RecordHeader) == 16);

[[nodiscard]] constexpr std::uint32_t record_size(std::uint32_t payload) {
  return (static_cast<std::uint32_t>(sizeof(RecordHeader)) + payload + 7u) & ~7u;
}
static_assert(kPageDataStart + record_size(kMaxPayload) <= kPageSize);

[[nodiscard]] constexpr std::uint64_t pack_pos(std::uint32_t page, std::uint32_t off) {
  return (std::uint64_t{page} << 32) | off;
}
[[nodiscard]] constexpr std::uint32_t pos_page(std::uint64_t p) { return static_cast<std::uint32_t>(p >> 32); }
[[nodiscard]] constexpr std::uint32_t pos_off(std::uint64_t p) { return static_cast<std::uint32_t>(p); }
inline constexpr std::uint64_t kEmptyTail = pack_pos(kNoPage, 0);

struct alignas(64) Queue {
  // --- producer side: under `lock` ---
  QueueLock lock;
  std::atomic<std::uint64_t> tail;
  std::atomic<std::uint32_t> first_page;    // head of a chain started on an empty queue
  std::atomic<std::uint32_t> pending_page;  // claimed, maybe not yet published
  std::atomic<std::int32_t> owner_pid;
  std::atomic<std::uint64_t> enqueued;
  std::atomic<std::uint64_t> bytes_enqueued;
  // --- owner side ---
  alignas(64) std::uint32_t head_page;
  std::uint32_t head_off;
  std::atomic<std::uint64_t> dequeued;
  std::atomic<std::uint64_t> bytes_dequeued;
  std::atomic<std::uint64_t> sent;
  std::atomic<std::uint64_t> full_waits;
  std::atomic<std::uint64_t> signals_sent;
  // --- read by every sender on every send: its own line ---
  alignas(64) std::atomic<std::uint32_t> sleeping;
};

struct alignas(64) AreaHeader {
  std::uint64_t magic;
  std::uint32_t nslots;
  std::uint32_t npages;
  std::uint64_t queues_off;
  std::uint64_t states_off;
  std::uint64_t pages_off;
  std::uint64_t total_size;
  alignas(64) std::atomic<std::uint32_t> alloc_hint;
};

// The area as seen by one process (plain pointers computed from offsets).
class Area {
 public:
  // Validates the header written by shmem_init(); null if `where` is not one.
  [[nodiscard]] static Area* attach(void* where);

  [[nodiscard]] std::uint32_t nslots() const { return hdr_.nslots; }
  [[nodiscard]] std::uint32_t npages() const { return hdr_.npages; }
  [[nodiscard]] Queue& queue(std::uint32_t slot);
  [[nodiscard]] std::atomic<std::uint32_t>& page_state(std::uint32_t page);
  [[nodiscard]] char* page(std::uint32_t page);
  [[nodiscard]] PageHeader& page_header(std::uint32_t p) { return *reinterpret_cast<PageHeader*>(page(p)); }

  // Claims a free page for queue `slot` (caller holds its lock), recording it
  // in pending_page first. kNoPage if every page is in use.
  [[nodiscard]] std::uint32_t claim_page(std::uint32_t slot);
  void free_page(std::uint32_t page);
  // Frees every page queue `slot` owns and empties it; caller holds its lock
  // and no other process consumes it.
  void reset_queue(std::uint32_t slot);
  // After lock() reported a dead holder: give back an unpublished page.
  void repair_queue(std::uint32_t slot);
  // Pages not free right now (a scan; for stats and tests).
  [[nodiscard]] std::uint32_t pages_in_use() const;
  [[nodiscard]] std::uint32_t pages_owned_by(std::uint32_t slot) const;

 private:
  AreaHeader hdr_;
};

// Bytes the area needs for `pool_bytes` of message pages and `nslots` queues.
[[nodiscard]] std::size_t shmem_size(std::size_t pool_bytes, std::uint32_t nslots);
// Postmaster, on a zero-filled region of shmem_size() bytes, before any fork.
Area* shmem_init(void* where, std::size_t pool_bytes, std::uint32_t nslots);

}  // namespace pmemu::ipc::imessage
