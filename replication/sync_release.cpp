#include "replication/sync_release.h"

#include "shmem/proc_slots.h"
#include "syncrep/current_names.h"
#include "syncrep/sync_positions.h"
#include "syncrep/syncrep_shmem.h"

namespace pmemu::replication {
namespace {

std::vector<syncrep::StandbyState> standby_states(const std::vector<WalSndSnapshot>& snap) {
  std::vector<syncrep::StandbyState> out;
  for (auto& w : snap) {
    // As PostgreSQL: only a streaming (or stopping) walsender with a valid
    // flush position can be synchronous.
    const bool streaming = (w.state == WalSndState::Streaming || w.state == WalSndState::Stopping) && w.flush.valid();
    out.push_back({w.application_name, streaming, w.write, w.flush, w.apply});
  }
  return out;
}

}  // namespace

void release_sync_waiters(const WalSndCtl& ctl, syncrep::SyncRepShmem& shm, const shmem::ProcSlots& procs,
                          const std::string& standby_names) {
  const auto& names = syncrep::current_standby_names(standby_names);
  if (!names.defined()) return;
  auto pos = syncrep::compute_sync_positions(names, standby_states(snapshot(ctl)));
  if (pos.enough) syncrep::release_waiters(shm, procs, pos.write, pos.flush, pos.apply);
}

std::vector<std::string> sync_states(const std::vector<WalSndSnapshot>& snap, const std::string& standby_names) {
  return syncrep::compute_sync_positions(syncrep::current_standby_names(standby_names), standby_states(snap))
      .sync_state;
}

}  // namespace pmemu::replication
