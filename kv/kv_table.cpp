#include "kv/kv_table.h"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace pmemu::kv {

// An index slot. Free slots have block_off == kNoBlock and are chained
// through `next` from free_slot_; used ones are chained from their bucket.
struct KvTable::Entry {
  std::uint64_t block_off;  // heap offset of this row's block
  std::uint64_t lsn;        // Lsn of the record that last wrote the row
  std::uint32_t next;       // next slot in the bucket chain or free list
  std::uint32_t hash;
  std::uint32_t klen;
  std::uint32_t vlen;
};

// Opens every heap block; key bytes then value bytes follow, and the block
// is padded to 8. Dead blocks (erased or overwritten rows) keep their size so
// that compaction can walk the heap from its start.
struct KvTable::BlockHeader {
  std::uint64_t size;   // whole block, header included
  std::uint32_t owner;  // slot index, kNone when dead
  std::uint32_t reserved;
};

namespace {

constexpr std::uint64_t kMagic = 0x454c424154564b50ULL;  // "PKVTABLE"
constexpr std::uint32_t kLayoutVersion = 1;
constexpr std::uint64_t kNoBlock = UINT64_MAX;

constexpr std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

std::uint64_t block_size(std::size_t klen, std::size_t vlen) {
  return round_up(sizeof(std::uint64_t) * 2 + klen + vlen, 8);
}

std::uint32_t hash_key(std::string_view k) {
  // Only compared within one segment's life, and every process is a fork of
  // the one binary, so std::hash being unspecified across builds is fine.
  const std::uint64_t h = std::hash<std::string_view>{}(k);
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

// Abort on a broken invariant: the child's abnormal exit makes the
// postmaster recreate the segment (STYLE: three kinds of failure).
void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

static_assert(std::is_standard_layout_v<KvTable>);

std::size_t KvTable::shmem_size(std::size_t table_bytes) {
  return round_up(std::max(table_bytes, kMinTableBytes), 64);
}

KvTable* KvTable::shmem_init(void* where, std::size_t table_bytes) {
  static_assert(sizeof(Entry) == 32 && sizeof(BlockHeader) == 16);
  const std::size_t total = shmem_size(table_bytes);
  const std::size_t nslots = std::min<std::size_t>(total / kBytesPerSlot, UINT32_MAX - 1);
  const std::size_t nbuckets = std::bit_ceil(nslots);

  auto* t = new (where) KvTable();
  t->magic_ = kMagic;
  t->layout_version_ = kLayoutVersion;
  t->total_bytes_ = total;
  t->nslots_ = static_cast<std::uint32_t>(nslots);
  t->nbuckets_ = static_cast<std::uint32_t>(nbuckets);
  t->reserved_ = 0;
  t->buckets_off_ = round_up(sizeof(KvTable), 64);
  t->entries_off_ = round_up(t->buckets_off_ + nbuckets * sizeof(std::uint32_t), 64);
  t->heap_off_ = round_up(t->entries_off_ + nslots * sizeof(Entry), 64);
  require(t->heap_off_ < total);
  t->heap_bytes_ = (total - t->heap_off_) / 8 * 8;
  // The minimum region must hold one largest row.
  require(t->heap_bytes_ >= block_size(kMaxKeyBytes, kMaxValueBytes));
  t->mutex_.init();
  t->reset();
  return t;
}

std::uint32_t* KvTable::buckets() const {
  return reinterpret_cast<std::uint32_t*>(reinterpret_cast<std::uintptr_t>(this) + buckets_off_);
}
KvTable::Entry* KvTable::entries() const {
  return reinterpret_cast<Entry*>(reinterpret_cast<std::uintptr_t>(this) + entries_off_);
}
char* KvTable::heap() const {
  return reinterpret_cast<char*>(reinterpret_cast<std::uintptr_t>(this) + heap_off_);
}
KvTable::BlockHeader* KvTable::block(std::uint64_t off) const {
  return reinterpret_cast<BlockHeader*>(heap() + off);
}
std::string_view KvTable::key_of(const Entry& e) const {
  return {heap() + e.block_off + sizeof(BlockHeader), e.klen};
}
std::string_view KvTable::value_of(const Entry& e) const {
  return {heap() + e.block_off + sizeof(BlockHeader) + e.klen, e.vlen};
}
std::uint32_t KvTable::bucket_of(std::uint32_t hash) const { return hash & (nbuckets_ - 1); }

std::uint32_t KvTable::find(std::string_view k, std::uint32_t hash) const {
  const Entry* es = entries();
  for (std::uint32_t i = buckets()[bucket_of(hash)]; i != kNone; i = es[i].next) {
    if (es[i].hash == hash && key_of(es[i]) == k) return i;
  }
  return kNone;
}

void KvTable::reset() {
  std::fill_n(buckets(), nbuckets_, kNone);
  free_slot_ = kNone;
  fresh_slot_ = 0;
  heap_top_ = 0;
  live_bytes_ = 0;
  count_ = 0;
}

std::uint64_t KvTable::alloc_block(std::uint64_t bytes) {
  if (heap_top_ + bytes > heap_bytes_) compact();
  require(heap_top_ + bytes <= heap_bytes_);
  const std::uint64_t off = heap_top_;
  heap_top_ += bytes;
  live_bytes_ += bytes;
  *block(off) = BlockHeader{bytes, kNone, 0};
  return off;
}

void KvTable::free_block(std::uint64_t off) {
  BlockHeader* b = block(off);
  b->owner = kNone;
  live_bytes_ -= b->size;
  // The newest block is often the one rewritten next (update of a hot key);
  // giving it straight back to the top postpones compaction.
  if (off + b->size == heap_top_) heap_top_ = off;
}

// Slides every live block down over the dead ones, in address order, so the
// free space becomes one run at the top. O(heap_top_), under the lock; it
// runs only when the top reaches the end of the heap.
void KvTable::compact() {
  Entry* es = entries();
  std::uint64_t dst = 0;
  for (std::uint64_t src = 0; src < heap_top_;) {
    const BlockHeader b = *block(src);
    require(b.size >= sizeof(BlockHeader) && src + b.size <= heap_top_);
    if (b.owner != kNone) {
      if (dst != src) std::memmove(heap() + dst, heap() + src, b.size);
      es[b.owner].block_off = dst;
      dst += b.size;
    }
    src += b.size;
  }
  require(dst == live_bytes_);
  heap_top_ = dst;
}

// ---- Locked ----

std::optional<std::string_view> KvTable::Locked::get(std::string_view k) const {
  const std::uint32_t i = table_.find(k, hash_key(k));
  if (i == kNone) return std::nullopt;
  return table_.value_of(table_.entries()[i]);
}

std::optional<Lsn> KvTable::Locked::lsn(std::string_view k) const {
  const std::uint32_t i = table_.find(k, hash_key(k));
  if (i == kNone) return std::nullopt;
  return Lsn{table_.entries()[i].lsn};
}

bool KvTable::Locked::contains(std::string_view k) const {
  return table_.find(k, hash_key(k)) != kNone;
}

std::size_t KvTable::Locked::count() const { return table_.count_; }

KvTable::Usage KvTable::Locked::usage() const {
  return Usage{table_.count_, table_.nslots_, table_.live_bytes_, table_.heap_bytes_};
}

void KvTable::Locked::for_each(const EntryFn& fn) const {
  const Entry* es = table_.entries();
  for (std::uint64_t off = 0; off < table_.heap_top_;) {
    const BlockHeader* b = table_.block(off);
    if (b->owner != kNone) {
      const Entry& e = es[b->owner];
      fn(table_.key_of(e), table_.value_of(e), Lsn{e.lsn});
    }
    off += b->size;
  }
}

void KvTable::Locked::scan(bool ordered, std::optional<std::size_t> limit, const RowFn& fn) const {
  const std::size_t want = std::min<std::size_t>(limit.value_or(SIZE_MAX), table_.count_);
  if (want == 0) return;
  if (!ordered) {
    std::size_t done = 0;
    const Entry* es = table_.entries();
    for (std::uint64_t off = 0; off < table_.heap_top_ && done < want;) {
      const BlockHeader* b = table_.block(off);
      if (b->owner != kNone) {
        fn(table_.key_of(es[b->owner]), table_.value_of(es[b->owner]));
        ++done;
      }
      off += b->size;
    }
    return;
  }
  // Keys are unique, so sorting by key alone is a total order; string_view
  // compares bytes as unsigned char, which is the C collation.
  std::vector<const Entry*> rows;
  rows.reserve(table_.count_);
  for (std::uint32_t bkt = 0; bkt < table_.nbuckets_; ++bkt) {
    for (std::uint32_t i = table_.buckets()[bkt]; i != kNone; i = table_.entries()[i].next) {
      rows.push_back(&table_.entries()[i]);
    }
  }
  auto by_key = [this](const Entry* a, const Entry* b) { return table_.key_of(*a) < table_.key_of(*b); };
  if (want < rows.size()) {
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(want), rows.end(), by_key);
  } else {
    std::sort(rows.begin(), rows.end(), by_key);
  }
  for (std::size_t n = 0; n < want; ++n) fn(table_.key_of(*rows[n]), table_.value_of(*rows[n]));
}

bool KvTable::Locked::can_put(std::string_view k, std::size_t vlen) const {
  if (k.size() > UINT32_MAX || vlen > UINT32_MAX) return false;
  const std::uint64_t need = block_size(k.size(), vlen);
  std::uint64_t room = table_.heap_bytes_ - table_.live_bytes_;
  const std::uint32_t i = table_.find(k, hash_key(k));
  if (i != kNone) {
    room += table_.block(table_.entries()[i].block_off)->size;
  } else if (table_.free_slot_ == kNone && table_.fresh_slot_ == table_.nslots_) {
    return false;
  }
  return need <= room;
}

void KvTable::Locked::put(std::string_view k, std::string_view v, Lsn lsn) {
  require(can_put(k, v.size()));
  // Compaction may move heap bytes, so bytes borrowed from the heap itself
  // (put(k2, get(k1))) are copied out first.
  const char* lo = table_.heap();
  const char* hi = lo + table_.heap_bytes_;
  auto inside = [&](std::string_view s) { return !s.empty() && s.data() < hi && s.data() + s.size() > lo; };
  if (inside(k) || inside(v)) {
    const std::string kcopy(k), vcopy(v);
    put(kcopy, vcopy, lsn);
    return;
  }

  const std::uint32_t hash = hash_key(k);
  Entry* es = table_.entries();
  std::uint32_t i = table_.find(k, hash);
  if (i != kNone) {
    table_.free_block(es[i].block_off);
  } else {
    if (table_.free_slot_ != kNone) {
      i = table_.free_slot_;
      table_.free_slot_ = es[i].next;
    } else {
      i = table_.fresh_slot_++;
      es[i] = Entry{kNoBlock, 0, kNone, 0, 0, 0};
    }
    std::uint32_t& head = table_.buckets()[table_.bucket_of(hash)];
    es[i].next = head;
    head = i;
    es[i].hash = hash;
    ++table_.count_;
  }
  es[i].block_off = kNoBlock;  // until alloc_block returns; compaction ignores it
  const std::uint64_t off = table_.alloc_block(block_size(k.size(), v.size()));
  table_.block(off)->owner = i;
  char* bytes = table_.heap() + off + sizeof(BlockHeader);
  if (!k.empty()) std::memcpy(bytes, k.data(), k.size());
  if (!v.empty()) std::memcpy(bytes + k.size(), v.data(), v.size());
  es[i].block_off = off;
  es[i].klen = static_cast<std::uint32_t>(k.size());
  es[i].vlen = static_cast<std::uint32_t>(v.size());
  es[i].lsn = lsn.get();
}

bool KvTable::Locked::erase(std::string_view k) {
  const std::uint32_t hash = hash_key(k);
  Entry* es = table_.entries();
  std::uint32_t* link = &table_.buckets()[table_.bucket_of(hash)];
  while (*link != kNone && !(es[*link].hash == hash && table_.key_of(es[*link]) == k)) {
    link = &es[*link].next;
  }
  if (*link == kNone) return false;
  const std::uint32_t i = *link;
  *link = es[i].next;
  table_.free_block(es[i].block_off);
  es[i] = Entry{kNoBlock, 0, table_.free_slot_, 0, 0, 0};
  table_.free_slot_ = i;
  --table_.count_;
  return true;
}

void KvTable::Locked::clear() { table_.reset(); }

std::optional<std::string> KvTable::Locked::check_invariants_for_test() const {
  const KvTable& t = table_;
  const Entry* es = t.entries();
  if (t.magic_ != kMagic || t.layout_version_ != kLayoutVersion) return "bad magic or layout version";
  if (t.live_bytes_ > t.heap_top_ || t.heap_top_ > t.heap_bytes_) return "heap counters out of range";
  std::uint64_t live = 0, live_blocks = 0;
  for (std::uint64_t off = 0; off < t.heap_top_;) {
    const BlockHeader* b = t.block(off);
    if (b->size < sizeof(BlockHeader) || b->size % 8 != 0 || off + b->size > t.heap_top_) {
      return "bad block size at heap offset " + std::to_string(off);
    }
    if (b->owner != kNone) {
      if (b->owner >= t.nslots_) return "block owner out of range";
      const Entry& e = es[b->owner];
      if (e.block_off != off) return "slot does not point back at its block";
      if (block_size(e.klen, e.vlen) != b->size) return "block size does not match lengths";
      live += b->size;
      ++live_blocks;
    }
    off += b->size;
  }
  if (live != t.live_bytes_) return "live_bytes disagrees with the heap";
  if (live_blocks != t.count_) return "count disagrees with the heap";
  std::uint64_t chained = 0;
  for (std::uint32_t bkt = 0; bkt < t.nbuckets_; ++bkt) {
    for (std::uint32_t i = t.buckets()[bkt]; i != kNone; i = es[i].next) {
      if (i >= t.nslots_ || ++chained > t.nslots_) return "broken bucket chain";
      if (t.bucket_of(es[i].hash) != bkt || es[i].hash != hash_key(t.key_of(es[i]))) return "row in wrong bucket";
      if (es[i].block_off == kNoBlock || t.block(es[i].block_off)->owner != i) return "chained slot without block";
    }
  }
  if (chained != t.count_) return "count disagrees with the index";
  std::uint64_t free_slots = 0;
  for (std::uint32_t i = t.free_slot_; i != kNone; i = es[i].next) {
    if (i >= t.nslots_ || ++free_slots > t.nslots_) return "broken free list";
    if (es[i].block_off != kNoBlock) return "free slot owns a block";
  }
  if (t.fresh_slot_ > t.nslots_) return "fresh slot mark beyond the table";
  if (free_slots + t.count_ + (t.nslots_ - t.fresh_slot_) != t.nslots_) return "slots leaked";
  return std::nullopt;
}

}  // namespace pmemu::kv
