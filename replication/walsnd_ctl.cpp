#include "replication/walsnd_ctl.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <new>

#include "ipc/lsn_notice.h"
#include "shmem/proc_slots.h"

namespace pmemu::replication {
namespace {

void copy_text(char* dst, std::size_t cap, const std::string& src) {
  std::size_t n = std::min(cap - 1, src.size());
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

void ring(shmem::ProcSlots& procs, const WalSnd& w) {
  if (w.proc_slot < procs.count) shmem::set_latch(procs.slots[w.proc_slot].latch);
}

// Only a walsender in the CopyBoth loop reads kWalFlushed; one running a
// command (a long BASE_BACKUP, say) would only pile messages up.
bool streams(const WalSnd& w) {
  const auto st = static_cast<WalSndState>(w.state.load(std::memory_order_relaxed));
  return st == WalSndState::Catchup || st == WalSndState::Streaming || st == WalSndState::Stopping;
}

}  // namespace

const char* state_name(WalSndState s) {
  switch (s) {
    case WalSndState::Startup: return "startup";
    case WalSndState::Backup: return "backup";
    case WalSndState::Catchup: return "catchup";
    case WalSndState::Streaming: return "streaming";
    case WalSndState::Stopping: return "stopping";
  }
  return "unknown";
}

std::size_t WalSndCtl::shmem_size(std::uint32_t max_wal_senders) {
  return offsetof(WalSndCtl, walsnds) + sizeof(WalSnd) * std::max<std::uint32_t>(1, max_wal_senders);
}

WalSndCtl* WalSndCtl::shmem_init(void* where, std::uint32_t max_wal_senders) {
  std::memset(where, 0, shmem_size(max_wal_senders));
  auto* ctl = new (where) WalSndCtl;
  ctl->magic = kMagic;
  ctl->max_wal_senders = max_wal_senders;
  ctl->init_stopping.store(0);
  ctl->slot_lock.init();
  ctl->slots_loaded = 0;
  for (std::uint32_t i = 1; i < std::max<std::uint32_t>(1, max_wal_senders); ++i) new (&ctl->walsnds[i]) WalSnd;
  return ctl;
}

WalSnd* claim_slot(WalSndCtl& ctl, std::int32_t pid, const SlotIdentity& who) {
  for (std::uint32_t i = 0; i < ctl.max_wal_senders; ++i) {
    auto& w = ctl.walsnds[i];
    std::int32_t expected = 0;
    if (!w.pid.compare_exchange_strong(expected, pid)) continue;
    w.state.store(static_cast<std::uint32_t>(WalSndState::Startup));
    w.stop_requested.store(ctl.init_stopping.load());
    w.proc_slot = who.proc_slot;
    w.sent.store(Lsn{});
    w.write.store(Lsn{});
    w.flush.store(Lsn{});
    w.apply.store(Lsn{});
    w.reply_time.store(0);
    w.sync_priority.store(0);
    w.announced.store(Lsn{});
    copy_text(w.application_name, sizeof w.application_name, who.application_name);
    copy_text(w.client_addr, sizeof w.client_addr, who.client_addr);
    w.published.store(1, std::memory_order_release);
    return &w;
  }
  return nullptr;
}

void release_slot(WalSnd& w) {
  w.published.store(0, std::memory_order_release);
  w.pid.store(0, std::memory_order_release);
}

std::function<void(Lsn)> announcer(WalSndCtl* ctl) {
  return [ctl](Lsn flushed) {
    if (ctl) announce_flushed(*ctl, flushed);
  };
}

void announce_flushed(WalSndCtl& ctl, Lsn flushed) {
  // Pairs with the fence after a walsender enters Catchup and before it reads
  // the flush position: either it sees our flush, or we see it streaming.
  std::atomic_thread_fence(std::memory_order_seq_cst);
  for (std::uint32_t i = 0; i < ctl.max_wal_senders; ++i) {
    auto& w = ctl.walsnds[i];
    if (!w.published.load(std::memory_order_acquire) || !streams(w)) continue;
    if (w.announced.raise_to(flushed)) (void)ipc::notify_lsn(ChildSlot(w.proc_slot), ipc::imessage::MessageType::kWalFlushed, flushed);
  }
}

Lsn oldest_sent(const WalSndCtl& ctl) {
  Lsn oldest;
  for (std::uint32_t i = 0; i < ctl.max_wal_senders; ++i) {
    auto& w = ctl.walsnds[i];
    if (!w.published.load(std::memory_order_acquire)) continue;
    Lsn s{w.sent.load()};
    if (s.valid() && (!oldest.valid() || s < oldest)) oldest = s;
  }
  return oldest;
}

void init_stopping(WalSndCtl& ctl, shmem::ProcSlots& procs) {
  ctl.init_stopping.store(1);
  for (std::uint32_t i = 0; i < ctl.max_wal_senders; ++i) {
    auto& w = ctl.walsnds[i];
    if (!w.pid.load()) continue;
    w.stop_requested.store(1);
    ring(procs, w);
  }
}

bool all_stopping(const WalSndCtl& ctl) {
  for (std::uint32_t i = 0; i < ctl.max_wal_senders; ++i) {
    auto& w = ctl.walsnds[i];
    if (w.pid.load() != 0 && w.state.load() != static_cast<std::uint32_t>(WalSndState::Stopping)) return false;
  }
  return true;
}

void wake_for_shutdown_checkpoint(const WalSndCtl& ctl, shmem::ProcSlots& procs) {
  for (std::uint32_t i = 0; i < ctl.max_wal_senders; ++i) {
    auto& w = ctl.walsnds[i];
    if (w.published.load(std::memory_order_acquire)) ring(procs, w);
  }
}

std::vector<WalSndSnapshot> snapshot(const WalSndCtl& ctl) {
  std::vector<WalSndSnapshot> out;
  for (std::uint32_t i = 0; i < ctl.max_wal_senders; ++i) {
    auto& w = ctl.walsnds[i];
    if (!w.published.load(std::memory_order_acquire)) continue;
    WalSndSnapshot s;
    s.pid = w.pid.load();
    s.state = static_cast<WalSndState>(w.state.load());
    s.sent = w.sent.load();
    s.write = w.write.load();
    s.flush = w.flush.load();
    s.apply = w.apply.load();
    s.reply_time = w.reply_time.load();
    s.application_name = w.application_name;
    s.client_addr = w.client_addr;
    if (s.pid != 0) out.push_back(std::move(s));
  }
  return out;
}

}  // namespace pmemu::replication
