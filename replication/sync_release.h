// The walsenders' side of synchronous replication (PostgreSQL's
// SyncRepReleaseWaiters): after a standby's reply, work out which standbys
// are synchronous and how far they all confirmed, and release the
// committers that waited for that.
#pragma once

#include <string>
#include <vector>

#include "replication/walsnd_ctl.h"

namespace pmemu::syncrep {
struct SyncRepShmem;
}
namespace pmemu::shmem {
struct ProcSlots;
}

namespace pmemu::replication {

// Any walsender may call this after storing its standby's reply.
// `standby_names` is its synchronous_standby_names.
void release_sync_waiters(const WalSndCtl& ctl, syncrep::SyncRepShmem& shm, const shmem::ProcSlots& procs,
                          const std::string& standby_names);

// sync_state for each entry of a snapshot, for pg_stat_replication.
[[nodiscard]] std::vector<std::string> sync_states(const std::vector<WalSndSnapshot>& snap,
                                                   const std::string& standby_names);

}  // namespace pmemu::replication
