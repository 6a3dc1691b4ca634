// Which standbys are synchronous and how far they have confirmed: the pure
// part of PostgreSQL's SyncRepGetSyncRecPtr, testable without processes.
#pragma once

#include <string>
#include <vector>

#include "syncrep/standby_names.h"
#include "wal/lsn.h"

namespace pmemu::syncrep {

struct StandbyState {
  std::string application_name;
  bool streaming = false;  // state STREAMING or STOPPING, with a valid flush position
  Lsn write, flush, apply;
};

struct SyncPositions {
  bool enough = false;  // false: not enough synchronous standbys connected; release nothing
  Lsn write, flush, apply;
  // Per standby, in input order: "sync", "potential", "quorum" or "async".
  std::vector<std::string> sync_state;
};

[[nodiscard]] SyncPositions compute_sync_positions(const StandbyNames& cfg, const std::vector<StandbyState>& standbys);

}  // namespace pmemu::syncrep
