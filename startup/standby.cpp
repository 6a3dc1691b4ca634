#include "startup/standby.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "common/elog.h"
#include "ipc/lsn_notice.h"
#include "ipc/my_mailbox.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "kv/kv_table.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "startup/recovery_shmem.h"
#include "startup/startup_main.h"
#include "walreceiver/walrcv_data.h"

namespace pmemu::startup {
namespace {

using Clock = std::chrono::steady_clock;
using walreceiver::WalRcvState;
// A requested walreceiver that has not started by then is given up (PostgreSQL's WALRCV_STARTUP_TIMEOUT).
constexpr auto kWalRcvStartupTimeout = std::chrono::seconds(10);

bool promotion_requested() {
  (void)ipc::take(ipc::Sig::Usr2);  // a doorbell: the reason is the file
  return std::filesystem::exists(ipc::env().data_dir + "/promote.signal");
}

// Applies every record that is wholly below the walreceiver's flush
// position. Records beyond it may be half written: leave them for later.
void replay_flushed(wal::WalReader& reader, RedoResult& redo, Lsn flushed) {
  auto& e = ipc::env();
  if (flushed <= redo.end) return;  // nothing new was flushed
  auto table = e.areas.kv->lock();
  for (;;) {
    auto next = reader.next();
    if (std::holds_alternative<wal::WalEnd>(next)) return;
    auto& rec = std::get<wal::WalRecord>(next);
    if (rec.end > flushed) {
      reader.seek(rec.lsn, redo.last_record);
      return;
    }
    if (auto err = apply_record(table, rec); !err.empty()) {
      elog::log(elog::Level::Fatal, err);
      std::exit(1);
    }
    redo.last_record = rec.lsn;
    redo.end = rec.end;
    e.areas.recovery->replayed_upto.store(rec.end.get(), std::memory_order_release);
  }
}

void request_walreceiver(const wal::ControlFile& cf, const RedoResult& redo) {
  auto& e = ipc::env();
  auto& rcv = *e.areas.walrcv;
  std::snprintf(rcv.conninfo, sizeof rcv.conninfo, "%s", e.settings.primary_conninfo.c_str());
  std::snprintf(rcv.slot_name, sizeof rcv.slot_name, "%s", e.settings.primary_slot_name.c_str());
  // Streaming always starts at a segment boundary, as PostgreSQL's RequestXLogStreaming.
  rcv.receive_start = redo.end.get() - redo.end.get() % e.wal_segment_size;
  rcv.receive_start_tli = cf.tli.get();
  rcv.flushed_upto.store(std::max(rcv.flushed_upto.load(), rcv.receive_start));
  rcv.state.store(static_cast<std::uint32_t>(WalRcvState::Starting), std::memory_order_release);
  shmem::send_postmaster_signal(*e.areas.pmsignal, e.postmaster_pid, shmem::PmSignalReason::StartWalReceiver);
}

void stop_walreceiver() {
  auto& rcv = *ipc::env().areas.walrcv;
  auto deadline = Clock::now() + std::chrono::seconds(10);
  auto starting = static_cast<std::uint32_t>(WalRcvState::Starting);
  // One not yet running will find Stopping and leave at once.
  (void)rcv.state.compare_exchange_strong(starting, static_cast<std::uint32_t>(WalRcvState::Stopping));
  while (rcv.state.load() != static_cast<std::uint32_t>(WalRcvState::Stopped) && Clock::now() < deadline) {
    if (pid_t pid = rcv.pid.load(); pid > 0) ::kill(pid, SIGTERM);
    ipc::WaitSpec w;
    w.timeout_ms = 10;
    (void)ipc::wait_event(w);
    check_startup_interrupts();
  }
  rcv.state.store(static_cast<std::uint32_t>(WalRcvState::Stopped));
}

}  // namespace

void follow_primary(wal::WalReader& reader, const wal::ControlFile& cf, RedoResult& redo) {
  auto& e = ipc::env();
  auto& rcv = *e.areas.walrcv;
  auto* slot = ipc::my_proc_slot();
  rcv.startup_latch_slot.store(e.my_slot.get());
  reader.seek(redo.end, redo.last_record);
  std::optional<Clock::time_point> last_request;
  bool told_no_conninfo = false;
  Lsn shown;
  auto* mailbox = ipc::imessage::my_mailbox();
  // How far received WAL is flushed, as kWalReceivedFlushed messages tell
  // us; a set latch (the walreceiver left, or no message could be queued)
  // makes us read WalRcvData's position instead.
  Lsn received = Lsn{rcv.flushed_upto.load(std::memory_order_acquire)};
  for (;;) {
    check_startup_interrupts();
    if (promotion_requested()) {
      elog::log(elog::Level::Log, "received promote request");
      stop_walreceiver();
      replay_flushed(reader, redo, Lsn{rcv.flushed_upto.load(std::memory_order_acquire)});
      elog::log(elog::Level::Log, "redo done at " + redo.last_record.str());
      return;
    }
    replay_flushed(reader, redo, received);
    if (redo.end != shown) {
      ipc::set_ps_title("startup recovering " + redo.end.str());
      shown = redo.end;
    }

    const auto state = static_cast<WalRcvState>(rcv.state.load(std::memory_order_acquire));
    const auto now = Clock::now();
    if (state == WalRcvState::Stopped || state == WalRcvState::Stopping) {
      if (e.settings.primary_conninfo.empty()) {
        if (!told_no_conninfo) elog::log(elog::Level::Log, "waiting for WAL: primary_conninfo is not set");
        told_no_conninfo = true;
      } else if (!last_request || now - *last_request >= e.settings.wal_retrieve_retry_interval) {
        if (last_request) elog::log(elog::Level::Log, "waiting for WAL to become available at " + redo.end.str());
        request_walreceiver(cf, redo);
        last_request = now;
      }
    } else if (state == WalRcvState::Starting && last_request && now - *last_request > kWalRcvStartupTimeout) {
      rcv.state.store(static_cast<std::uint32_t>(WalRcvState::Stopped));
    }

    ipc::WaitSpec w;
    w.latch = &slot->latch;
    w.timeout_ms = 100;
    if (mailbox) w.messages = mailbox->wait_hook();
    auto ev = ipc::wait_event(w);
    ipc::reset_latch(slot->latch);
    if (ev & ipc::kWaitPostmasterDeath) std::exit(1);
    received = std::max(received, ipc::drain_lsn_notices(ipc::imessage::MessageType::kWalReceivedFlushed));
    if (ev & ipc::kWaitLatch) received = std::max(received, Lsn{rcv.flushed_upto.load(std::memory_order_acquire)});
  }
}

}  // namespace pmemu::startup
