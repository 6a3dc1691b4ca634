// The one table, kv (k text primary key, v text), in the shared segment.
//
// Ownership essay
// ---------------
// The postmaster calls shmem_init() once on a freshly created segment, before
// the first fork (and again on the new segment after a crash restart). After
// that every process that touches the table (backends, startup, checkpointer)
// goes through KvTable::lock(), which takes the one RobustMutex `mutex_`.
//
// - Fixed at init, never written again, read without the lock: magic_,
//   layout_version_, total_bytes_, nbuckets_, nslots_, buckets_off_,
//   entries_off_, heap_off_, heap_bytes_. They describe where the three
//   arrays live, as byte offsets from the KvTable itself (no pointers, so the
//   layout means the same wherever the segment is mapped).
// - Written and read only under mutex_: the bucket heads, every Entry, every
//   heap byte, heap_top_, live_bytes_, count_, free_slot_. Nothing is read
//   lock-free, so there is no memory-ordering argument to make.
// - A process that dies holding mutex_ leaves these half-updated; the next
//   locker exits 2 (RobustMutex) and the postmaster recreates the segment,
//   so no code here ever repairs a torn table.
//
// Layout of the region (see docs/kv-image.md for the file format, which is a
// different thing):
//   [KvTable][u32 bucket heads x nbuckets][Entry x nslots][heap]
// Each key lives in one Entry (chained from its bucket by slot index) and one
// heap block holding the key and value bytes back to back. The heap is a bump
// allocator: put() appends, erase()/overwrite marks the old block dead, and
// when the top reaches the end the live blocks slide down (compaction). So
// free space never fragments and can_put() is exact: a put fits iff a slot is
// free (or the key exists) and the block fits in heap_bytes - live_bytes.
//
// The postmaster never locks this mutex (STYLE); it only sizes and inits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "shmem/robust_mutex.h"
#include "wal/lsn.h"

namespace pmemu::kv {

// SPEC section 6: longer keys/values are refused (54000) by the backend
// before it asks the table; the table itself only needs them to size its
// minimum, so that one largest row always fits an empty table.
inline constexpr std::size_t kMaxKeyBytes = 1024;
inline constexpr std::size_t kMaxValueBytes = 8192;

class KvTable {
 public:
  // Smallest region the table accepts; shmem_size() rounds smaller requests
  // up to this.
  static constexpr std::size_t kMinTableBytes = 64 * 1024;
  // One index slot per this many bytes of kv_table_size; the rest of the
  // region is heap. Rows of ~100 bytes fill the heap and the slots at about
  // the same time.
  static constexpr std::size_t kBytesPerSlot = 128;

  // Bytes the postmaster must reserve for a table of kv_table_size
  // `table_bytes` (rounded up to kMinTableBytes and to 64).
  [[nodiscard]] static std::size_t shmem_size(std::size_t table_bytes);
  // Postmaster only, before any fork: lays the table out in `where`
  // (shmem_size(table_bytes) bytes, 64-byte aligned), empty.
  static KvTable* shmem_init(void* where, std::size_t table_bytes);

  KvTable(const KvTable&) = delete;
  KvTable& operator=(const KvTable&) = delete;

  // Capacity as laid out at init (no lock needed: never changes).
  [[nodiscard]] std::uint32_t max_entries() const { return nslots_; }
  [[nodiscard]] std::uint64_t heap_bytes() const { return heap_bytes_; }

  struct Usage {
    std::uint64_t entries;
    std::uint64_t max_entries;
    std::uint64_t heap_live_bytes;  // bytes of heap blocks that are in use
    std::uint64_t heap_bytes;
  };

  // A session holding the table lock; the only way to read or write rows.
  // Lives on one process's stack, for as short a time as possible. Every
  // string_view it hands out points into the shared segment and is valid
  // until the next put()/clear() through it or until it is destroyed.
  class Locked {
   public:
    ~Locked() { table_.mutex_.unlock(); }
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;

    [[nodiscard]] std::optional<std::string_view> get(std::string_view k) const;
    // Lsn of the WAL record that last wrote k.
    [[nodiscard]] std::optional<Lsn> lsn(std::string_view k) const;
    [[nodiscard]] bool contains(std::string_view k) const;
    [[nodiscard]] std::size_t count() const;
    [[nodiscard]] Usage usage() const;

    using RowFn = std::function<void(std::string_view k, std::string_view v)>;
    // Visits rows, by key in byte order (PostgreSQL's C collation) when
    // `ordered`, else in no particular order; at most `limit` of them. The
    // callback must not write to the table.
    void scan(bool ordered, std::optional<std::size_t> limit, const RowFn& fn) const;
    using EntryFn = std::function<void(std::string_view k, std::string_view v, Lsn lsn)>;
    // Every row with its Lsn, in heap order (fastest; used by checkpoints).
    void for_each(const EntryFn& fn) const;

    // True iff put(k, <vlen bytes>, ...) will find room now: a free slot
    // unless k exists, and heap space counting what k's current value frees.
    // Writers check this, then log the WAL record, then put().
    [[nodiscard]] bool can_put(std::string_view k, std::size_t vlen) const;
    // Insert or overwrite. Precondition: can_put(k, v.size()) (aborts
    // otherwise: the WAL record is already written, so failing here would
    // break the log-before-apply rule). k and v may point anywhere, even
    // into this table.
    void put(std::string_view k, std::string_view v, Lsn lsn);
    // True if k was there.
    bool erase(std::string_view k);
    // Empties the table (before loading an image).
    void clear();

    // Walks every structure and cross-checks counts, chains and heap
    // ownership. Returns a description of the first inconsistency.
    [[nodiscard]] std::optional<std::string> check_invariants_for_test() const;

   private:
    friend class KvTable;
    explicit Locked(KvTable& t) : table_(t) { table_.mutex_.lock(); }
    KvTable& table_;
  };

  // Blocks until the table lock is held. Never in the postmaster.
  [[nodiscard]] Locked lock() { return Locked(*this); }

 private:
  struct Entry;
  struct BlockHeader;
  static constexpr std::uint32_t kNone = UINT32_MAX;

  KvTable() = default;

  [[nodiscard]] std::uint32_t* buckets() const;
  [[nodiscard]] Entry* entries() const;
  [[nodiscard]] char* heap() const;
  [[nodiscard]] BlockHeader* block(std::uint64_t off) const;
  [[nodiscard]] std::string_view key_of(const Entry& e) const;
  [[nodiscard]] std::string_view value_of(const Entry& e) const;
  [[nodiscard]] std::uint32_t find(std::string_view k, std::uint32_t hash) const;
  [[nodiscard]] std::uint32_t bucket_of(std::uint32_t hash) const;
  [[nodiscard]] std::uint64_t alloc_block(std::uint64_t bytes);
  void free_block(std::uint64_t off);
  void compact();
  void reset();

  // Fixed at init.
  std::uint64_t magic_;
  std::uint32_t layout_version_;
  std::uint32_t nbuckets_;  // power of two
  std::uint64_t total_bytes_;
  std::uint64_t buckets_off_;
  std::uint64_t entries_off_;
  std::uint64_t heap_off_;
  std::uint64_t heap_bytes_;
  std::uint32_t nslots_;
  std::uint32_t reserved_;

  shmem::RobustMutex mutex_;

  // Under mutex_.
  std::uint64_t heap_top_;    // first unused heap byte
  std::uint64_t live_bytes_;  // sum of live block sizes (<= heap_top_)
  std::uint64_t count_;       // rows
  std::uint32_t free_slot_;   // head of the list of freed Entries, kNone if empty
  // Entries at index >= fresh_slot_ were never used and are not on the free
  // list: the segment is zero-filled by the kernel, so a new table writes
  // nothing per slot (a 256MB table would otherwise fault in ~64MB at every
  // start and crash restart).
  std::uint32_t fresh_slot_;
};

}  // namespace pmemu::kv
