#include "ipc/imessage.h"

#include <sched.h>

#include <csignal>
#include <cstring>
#include <ctime>

#include "ipc/spin_policy.h"

namespace pmemu::ipc::imessage {
namespace {

using Clock = std::chrono::steady_clock;

// Holds a queue lock; repairs after a holder that died inside.
class Held {
 public:
  Held(Area& a, std::uint32_t slot, Pid me) : q_(a.queue(slot)) {
    if (q_.lock.lock(me)) a.repair_queue(slot);
  }
  ~Held() { q_.lock.unlock(); }
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;

 private:
  Queue& q_;
};

void bump(std::atomic<std::uint64_t>& c, std::uint64_t by = 1) {
  // Single writer: a plain load+store, no locked instruction.
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

// Waiting for space: the freeing side rings nobody (it cannot know who
// waits), so the sender backs off from 20 us up to 1 ms.
void backoff(int round, std::chrono::steady_clock::time_point deadline) {
  auto step = std::chrono::microseconds(std::min(1000, 20 << std::min(round, 6)));
  auto left = deadline - std::chrono::steady_clock::now();
  if (left < step) step = std::chrono::duration_cast<std::chrono::microseconds>(left);
  if (step.count() <= 0) return;
  timespec ts{static_cast<time_t>(step.count() / 1000000), static_cast<long>(step.count() % 1000000) * 1000};
  ::nanosleep(&ts, nullptr);
}

}  // namespace

const char* describe(SendStatus s) {
  switch (s) {
    case SendStatus::Ok: return "ok";
    case SendStatus::AreaFull: return "imessage area is full";
    case SendStatus::RecipientGone: return "no process is registered on the recipient slot";
    case SendStatus::Oversized: return "message payload exceeds the maximum imessage size";
    case SendStatus::BadSlot: return "recipient slot number is out of range";
  }
  return "unknown send status";
}

std::variant<Mailbox, std::string> Mailbox::open(Area* area, ChildSlot me, Pid pid) {
  if (!area) return std::string("imessage area is not initialised");
  if (!me.valid() || me.get() >= area->nslots()) return std::string("imessage slot number is out of range");
  if (!pid.valid()) return std::string("imessage owner pid is invalid");
  Queue& q = area->queue(me.get());
  {
    Held h(*area, me.get(), pid);
    area->reset_queue(me.get());
    q.sent.store(0, std::memory_order_relaxed);
    q.full_waits.store(0, std::memory_order_relaxed);
    q.signals_sent.store(0, std::memory_order_relaxed);
    q.owner_pid.store(pid.get(), std::memory_order_release);
  }
  return Mailbox(area, me, pid);
}

Mailbox::~Mailbox() {
  if (!area_) return;
  Queue& q = area_->queue(me_.get());
  Held h(*area_, me_.get(), pid_);
  q.owner_pid.store(0, std::memory_order_release);
  area_->reset_queue(me_.get());
}

SendStatus Mailbox::try_append(Queue& q, std::uint32_t to, std::uint16_t type, std::span<const std::byte> payload,
                               pid_t* ring) {
  const auto len = static_cast<std::uint32_t>(payload.size());
  const std::uint32_t rec = record_size(len);
  Held h(*area_, to, pid_);
  const pid_t owner = q.owner_pid.load(std::memory_order_relaxed);
  if (owner == 0) return SendStatus::RecipientGone;
  const std::uint64_t t = q.tail.load(std::memory_order_relaxed);
  std::uint32_t page = pos_page(t), off = pos_off(t);
  const bool fresh = page == kNoPage || off + rec > kPageSize;
  if (fresh) {
    const std::uint32_t np = area_->claim_page(to);
    if (np == kNoPage) return SendStatus::AreaFull;
    PageHeader& ph = area_->page_header(np);
    ph.next.store(kNoPage, std::memory_order_relaxed);
    ph.sealed_end.store(kPageDataStart, std::memory_order_relaxed);
    if (page != kNoPage) {
      PageHeader& old = area_->page_header(page);
      old.sealed_end.store(off, std::memory_order_relaxed);
      old.next.store(np, std::memory_order_release);
    } else {
      q.first_page.store(np, std::memory_order_release);
    }
    page = np;
    off = kPageDataStart;
  }
  char* at = area_->page(page) + off;
  RecordHeader rh{len, type, 0, pid_.get(), me_.get()};
  std::memcpy(at, &rh, sizeof rh);
  if (len) std::memcpy(at + sizeof rh, payload.data(), len);
  q.tail.store(pack_pos(page, off + rec), std::memory_order_release);
  if (fresh) q.pending_page.store(kNoPage, std::memory_order_relaxed);
  bump(q.enqueued);
  bump(q.bytes_enqueued, rec);
  *ring = owner;
  return SendStatus::Ok;
}

SendStatus Mailbox::send(ChildSlot to, std::uint16_t type, std::span<const std::byte> payload, FullPolicy policy) {
  if (!to.valid() || to.get() >= area_->nslots()) return SendStatus::BadSlot;
  if (payload.size() > kMaxPayload) return SendStatus::Oversized;
  Queue& q = area_->queue(to.get());
  Queue& mine = area_->queue(me_.get());
  pid_t ring = 0;
  SendStatus st;
  for (int round = 0;; ++round) {
    st = try_append(q, to.get(), type, payload, &ring);
    if (st != SendStatus::AreaFull) break;
    if (round == 0) {
      bump(mine.full_waits);
      if (policy.wait && policy.patience.count() > 0) policy.deadline = Clock::now() + policy.patience;
    }
    if (!policy.wait || Clock::now() >= policy.deadline) return st;
    backoff(round, policy.deadline);
  }
  if (st != SendStatus::Ok) return st;
  bump(mine.sent);
  // Pairs with the seq_cst store of `sleeping` in before_sleep(): either the
  // sleeper sees our tail, or we see its flag.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (q.sleeping.load(std::memory_order_relaxed) != 0 && q.sleeping.exchange(0, std::memory_order_acq_rel) != 0) {
    ::kill(ring, SIGUSR2);
    bump(mine.signals_sent);
  }
  return SendStatus::Ok;
}

bool Mailbox::receive(Message& out) {
  Queue& q = area_->queue(me_.get());
  for (;;) {
    std::uint64_t t = seen_tail_;
    if (pos_page(t) == kNoPage || (pos_page(t) == q.head_page && pos_off(t) == q.head_off))
      t = seen_tail_ = q.tail.load(std::memory_order_acquire);
    const std::uint32_t tp = pos_page(t);
    if (tp == kNoPage) return false;
    if (q.head_page == kNoPage) {
      q.head_page = q.first_page.load(std::memory_order_acquire);
      q.head_off = kPageDataStart;
    }
    PageHeader& ph = area_->page_header(q.head_page);
    const bool at_tail = q.head_page == tp;
    std::uint32_t next = kNoPage;
    if (!at_tail) next = ph.next.load(std::memory_order_acquire);
    const std::uint32_t end = at_tail ? pos_off(t) : ph.sealed_end.load(std::memory_order_relaxed);
    if (q.head_off < end) {
      const char* at = area_->page(q.head_page) + q.head_off;
      RecordHeader rh;
      std::memcpy(&rh, at, sizeof rh);
      out.type = rh.type;
      out.sender = Pid(rh.sender_pid);
      out.sender_slot = ChildSlot(rh.sender_slot);
      out.length = rh.length;
      std::memcpy(out.payload.data(), at + sizeof rh, rh.length);
      const std::uint32_t rec = record_size(rh.length);
      q.head_off += rec;
      bump(q.dequeued);
      bump(q.bytes_dequeued, rec);
      return true;
    }
    if (at_tail) return false;
    const std::uint32_t done = q.head_page;
    q.head_page = next;
    q.head_off = kPageDataStart;
    area_->free_page(done);
  }
}

bool Mailbox::has_messages() const {
  Queue& q = area_->queue(me_.get());
  const std::uint64_t t = q.tail.load(std::memory_order_acquire);
  if (pos_page(t) == kNoPage) return false;
  if (q.head_page == kNoPage) return true;  // a new chain was started
  return !(pos_page(t) == q.head_page && pos_off(t) == q.head_off);
}

bool Mailbox::spin_for_message() {
  const auto budget = spin_.budget();
  if (budget.count() == 0) return false;
  const auto start = Clock::now();
  for (;;) {
    if (has_messages()) {
      spin_.paid();
      return true;
    }
    const auto looked = Clock::now();
    if (looked - start >= budget) {
      spin_.wasted();
      return false;
    }
    // The sender may be waiting for this very CPU: let it run first.
    ::sched_yield();
    // Few clock reads: a pause is some tens of ns, so 32 of them between reads.
    while (Clock::now() - looked < SpinPolicy::kCheckEvery)
      for (int i = 0; i < 32; ++i) cpu_relax();
  }
}

void Mailbox::release_idle_page() {
  Queue& q = area_->queue(me_.get());
  const std::uint64_t seen = q.tail.load(std::memory_order_acquire);
  if (pos_page(seen) == kNoPage || pos_page(seen) != q.head_page || pos_off(seen) != q.head_off) return;
  Held h(*area_, me_.get(), pid_);
  const std::uint64_t t = q.tail.load(std::memory_order_relaxed);
  if (t != seen) return;  // a sender got in first: not idle after all
  q.tail.store(kEmptyTail, std::memory_order_release);
  q.first_page.store(kNoPage, std::memory_order_relaxed);
  area_->free_page(q.head_page);
  q.head_page = kNoPage;
  q.head_off = kPageDataStart;
  seen_tail_ = kEmptyTail;
}

bool Mailbox::before_sleep(void* self) {
  auto* m = static_cast<Mailbox*>(self);
  if (m->spin_for_message()) return true;
  m->release_idle_page();
  Queue& q = m->area_->queue(m->me_.get());
  q.sleeping.store(1, std::memory_order_seq_cst);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (m->has_messages()) {
    q.sleeping.store(0, std::memory_order_relaxed);
    return true;
  }
  m->asleep_since_ = Clock::now();
  return false;
}

bool Mailbox::after_sleep(void* self) {
  auto* m = static_cast<Mailbox*>(self);
  m->area_->queue(m->me_.get()).sleeping.store(0, std::memory_order_relaxed);
  const bool got = m->has_messages();
  m->spin_.woke(Clock::now() - m->asleep_since_, got);
  return got;
}

MessageWait Mailbox::wait_hook() { return MessageWait{this, &Mailbox::before_sleep, &Mailbox::after_sleep}; }

SlotStats read_stats(Area& area, ChildSlot slot) {
  SlotStats s;
  if (!slot.valid() || slot.get() >= area.nslots()) return s;
  Queue& q = area.queue(slot.get());
  s.owner = Pid(q.owner_pid.load(std::memory_order_relaxed));
  const std::uint64_t enq = q.enqueued.load(std::memory_order_relaxed);
  const std::uint64_t deq = q.dequeued.load(std::memory_order_relaxed);
  const std::uint64_t benq = q.bytes_enqueued.load(std::memory_order_relaxed);
  const std::uint64_t bdeq = q.bytes_dequeued.load(std::memory_order_relaxed);
  s.queued = enq > deq ? enq - deq : 0;
  s.bytes = benq > bdeq ? benq - bdeq : 0;
  s.received = deq;
  s.sent = q.sent.load(std::memory_order_relaxed);
  s.full_waits = q.full_waits.load(std::memory_order_relaxed);
  s.signals_sent = q.signals_sent.load(std::memory_order_relaxed);
  return s;
}

}  // namespace pmemu::ipc::imessage
