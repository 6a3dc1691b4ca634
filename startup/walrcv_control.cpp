#include "startup/walrcv_control.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "ipc/process_env.h"
#include "ipc/wait.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "startup/startup_main.h"
#include "wal/segment.h"

namespace pmemu::startup {

using replication::WalRcvState;

namespace {
constexpr auto kWalRcvStartupTimeout = std::chrono::seconds(10);
}  // namespace

WalReceiverControl::WalReceiverControl() : rcv_(*ipc::env().areas.walrcv) {
  rcv_.startup_latch_slot.store(ipc::env().my_slot.get());
}

void WalReceiverControl::request(Lsn from, TimeLineId tli) {
  auto& e = ipc::env();
  const replication::WalRcvState was = state();
  if (was != replication::WalRcvState::Stopped && was != replication::WalRcvState::Waiting) std::abort();  // the caller's bug
  conninfo_ = e.settings.primary_conninfo;
  slot_name_ = e.settings.primary_slot_name;
  std::snprintf(rcv_.conninfo, sizeof rcv_.conninfo, "%s", conninfo_.c_str());
  std::snprintf(rcv_.slot_name, sizeof rcv_.slot_name, "%s", slot_name_.c_str());
  const Lsn start = wal::segment_start(wal::segno_of(from, e.wal_segment_size), e.wal_segment_size);
  rcv_.receive_start = start.get();
  rcv_.receive_start_tli = tli.get();
  // flushed_upto describes received_tli's files: on another timeline it
  // starts over at the new start; on the same one it only moves forward.
  if (rcv_.received_tli.load() != tli.get()) {
    rcv_.flushed_upto.store(start, std::memory_order_release);
    rcv_.received_tli.store(tli.get(), std::memory_order_release);
  } else if (rcv_.flushed_upto.load() < start) {
    rcv_.flushed_upto.store(start, std::memory_order_release);
  }
  last_request_ = Clock::now();
  if (was == replication::WalRcvState::Waiting) {
    // A walreceiver stopping on its own between our look and this step
    // makes the CAS fail; it then ends Stopped and is requested again.
    if (rcv_.transition(replication::WalRcvState::Waiting, replication::WalRcvState::Restarting)) wake_walreceiver();
    return;
  }
  if (rcv_.transition(replication::WalRcvState::Stopped, replication::WalRcvState::Starting))
    shmem::send_postmaster_signal(*e.areas.pmsignal, e.postmaster_pid, shmem::PmSignalReason::StartWalReceiver);
}

void WalReceiverControl::wake_walreceiver() {
  if (auto* slot = ipc::env().areas.procs->get(ChildSlot{rcv_.walrcv_latch_slot.load()})) shmem::set_latch(slot->latch);
}

void WalReceiverControl::stop() {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  // From any live state to Stopping; one not yet running finds it and leaves at once.
  for (replication::WalRcvState s : {replication::WalRcvState::Starting, replication::WalRcvState::Streaming, replication::WalRcvState::Waiting, replication::WalRcvState::Restarting})
    if (rcv_.transition(s, replication::WalRcvState::Stopping)) break;
  while (state() != replication::WalRcvState::Stopped && Clock::now() < deadline) {
    if (pid_t pid = rcv_.pid.load(); pid > 0) ::kill(pid, SIGTERM);
    ipc::WaitSpec w;
    w.timeout_ms = 10;
    (void)ipc::wait_event(w);
    check_startup_interrupts();
  }
  // Gone, or never forked: a late fork finds no Starting and leaves at once.
  rcv_.set_stopped();
}

void WalReceiverControl::give_up_stale_start() {
  if (state() == replication::WalRcvState::Starting && last_request_ && Clock::now() - *last_request_ > kWalRcvStartupTimeout)
    (void)rcv_.transition(replication::WalRcvState::Starting, replication::WalRcvState::Stopped);
}

std::optional<Lsn> WalReceiverControl::flushed_on(TimeLineId tli) const {
  if (rcv_.received_tli.load(std::memory_order_acquire) != tli.get()) return std::nullopt;
  return rcv_.flushed_upto.load(std::memory_order_acquire);
}

bool WalReceiverControl::settings_changed() const {
  const auto& s = ipc::env().settings;
  return s.primary_conninfo != conninfo_ || s.primary_slot_name != slot_name_;
}

}  // namespace pmemu::startup
