#include "ipc/imessage_area.h"

#include <new>

namespace pmemu::ipc::imessage {
namespace {

constexpr std::size_t kAlign = 64;

std::size_t align_up(std::size_t v) { return (v + kAlign - 1) & ~(kAlign - 1); }

struct Offsets {
  std::size_t queues, states, pages, total;
  std::uint32_t npages;
};

Offsets layout(std::size_t pool_bytes, std::uint32_t nslots) {
  Offsets o{};
  o.npages = static_cast<std::uint32_t>(pool_bytes / kPageSize);
  o.queues = align_up(sizeof(AreaHeader));
  o.states = align_up(o.queues + sizeof(Queue) * nslots);
  o.pages = align_up(o.states + sizeof(std::atomic<std::uint32_t>) * o.npages);
  o.total = o.pages + std::size_t{o.npages} * kPageSize;
  return o;
}

}  // namespace

std::size_t shmem_size(std::size_t pool_bytes, std::uint32_t nslots) { return layout(pool_bytes, nslots).total; }

Area* shmem_init(void* where, std::size_t pool_bytes, std::uint32_t nslots) {
  const Offsets o = layout(pool_bytes, nslots);
  auto* hdr = new (where) AreaHeader{};
  hdr->nslots = nslots;
  hdr->npages = o.npages;
  hdr->queues_off = o.queues;
  hdr->states_off = o.states;
  hdr->pages_off = o.pages;
  hdr->total_size = o.total;
  hdr->alloc_hint.store(0, std::memory_order_relaxed);
  auto* base = static_cast<char*>(where);
  for (std::uint32_t i = 0; i < nslots; ++i) {
    auto* q = new (base + o.queues + i * sizeof(Queue)) Queue{};
    q->lock.init();
    q->tail.store(kEmptyTail, std::memory_order_relaxed);
    q->first_page.store(kNoPage, std::memory_order_relaxed);
    q->pending_page.store(kNoPage, std::memory_order_relaxed);
    q->head_page = kNoPage;
    q->head_off = kPageDataStart;
  }
  for (std::uint32_t i = 0; i < o.npages; ++i)
    new (base + o.states + i * sizeof(std::atomic<std::uint32_t>)) std::atomic<std::uint32_t>(0);
  // The magic last: attach() in a process that somehow raced init sees no area.
  std::atomic_thread_fence(std::memory_order_release);
  hdr->magic = kAreaMagic;
  return reinterpret_cast<Area*>(where);
}

Area* Area::attach(void* where) {
  if (!where) return nullptr;
  auto* a = static_cast<Area*>(where);
  return a->hdr_.magic == kAreaMagic ? a : nullptr;
}

Queue& Area::queue(std::uint32_t slot) {
  return *reinterpret_cast<Queue*>(reinterpret_cast<char*>(this) + hdr_.queues_off + slot * sizeof(Queue));
}

std::atomic<std::uint32_t>& Area::page_state(std::uint32_t p) {
  return reinterpret_cast<std::atomic<std::uint32_t>*>(reinterpret_cast<char*>(this) + hdr_.states_off)[p];
}

char* Area::page(std::uint32_t p) {
  return reinterpret_cast<char*>(this) + hdr_.pages_off + std::size_t{p} * kPageSize;
}

std::uint32_t Area::claim_page(std::uint32_t slot) {
  const std::uint32_t n = hdr_.npages;
  if (n == 0) return kNoPage;
  Queue& q = queue(slot);
  const std::uint32_t start = hdr_.alloc_hint.fetch_add(1, std::memory_order_relaxed) % n;
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::uint32_t p = (start + k) % n;
    auto& st = page_state(p);
    if (st.load(std::memory_order_relaxed) != 0) continue;
    // Named before it is taken: if we die between the two, repair_queue()
    // finds the page owned by this queue but unpublished, and frees it.
    q.pending_page.store(p, std::memory_order_release);
    std::uint32_t expected = 0;
    if (st.compare_exchange_strong(expected, slot + 1, std::memory_order_acq_rel)) {
      // Start the next scan after this page: consecutive claims do not
      // re-walk the pages just taken.
      hdr_.alloc_hint.store(p + 1, std::memory_order_relaxed);
      return p;
    }
  }
  q.pending_page.store(kNoPage, std::memory_order_relaxed);
  return kNoPage;
}

void Area::free_page(std::uint32_t p) { page_state(p).store(0, std::memory_order_release); }

void Area::reset_queue(std::uint32_t slot) {
  Queue& q = queue(slot);
  for (std::uint32_t p = 0; p < hdr_.npages; ++p)
    if (page_state(p).load(std::memory_order_acquire) == slot + 1) free_page(p);
  q.tail.store(kEmptyTail, std::memory_order_release);
  q.first_page.store(kNoPage, std::memory_order_relaxed);
  q.pending_page.store(kNoPage, std::memory_order_relaxed);
  q.head_page = kNoPage;
  q.head_off = kPageDataStart;
  q.enqueued.store(0, std::memory_order_relaxed);
  q.bytes_enqueued.store(0, std::memory_order_relaxed);
  q.dequeued.store(0, std::memory_order_relaxed);
  q.bytes_dequeued.store(0, std::memory_order_relaxed);
  q.sleeping.store(0, std::memory_order_relaxed);
}

void Area::repair_queue(std::uint32_t slot) {
  Queue& q = queue(slot);
  const std::uint32_t p = q.pending_page.load(std::memory_order_acquire);
  if (p == kNoPage || p >= hdr_.npages) return;
  // Published pages are reachable from the tail; only the tail page can be
  // the one the dead holder was working on, because moving the tail again
  // needs this lock.
  if (pos_page(q.tail.load(std::memory_order_acquire)) != p &&
      page_state(p).load(std::memory_order_acquire) == slot + 1)
    free_page(p);
  q.pending_page.store(kNoPage, std::memory_order_relaxed);
  // enqueued/bytes_enqueued may lag by the one message whose tail store the
  // dead holder made but whose counter update it did not: stats only.
}

std::uint32_t Area::pages_in_use() const {
  auto* self = const_cast<Area*>(this);
  std::uint32_t n = 0;
  for (std::uint32_t p = 0; p < hdr_.npages; ++p)
    if (self->page_state(p).load(std::memory_order_relaxed) != 0) ++n;
  return n;
}

std::uint32_t Area::pages_owned_by(std::uint32_t slot) const {
  auto* self = const_cast<Area*>(this);
  std::uint32_t n = 0;
  for (std::uint32_t p = 0; p < hdr_.npages; ++p)
    if (self->page_state(p).load(std::memory_order_relaxed) == slot + 1) ++n;
  return n;
}

}  // namespace pmemu::ipc::imessage
