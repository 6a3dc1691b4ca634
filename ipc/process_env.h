// What every process of one server knows about its surroundings.
//
// The postmaster fills this in before the first fork; children inherit it
// through fork() (no exec), then set the fields that are theirs (my_slot,
// backend type). Pointers into the shared segment are valid in every process
// because a fork maps the segment at the same address. After a crash restart
// the postmaster points `areas` at the new segment before forking again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/strong_id.h"
#include "config/config.h"
#include "config/hba.h"
#include "config/roles.h"

namespace pmemu::shmem {
struct SegmentHeader;
struct PmSignalData;
struct ProcSlots;
struct ProcSlot;
}  // namespace pmemu::shmem
namespace pmemu::wal {
struct XlogCtl;
}
namespace pmemu::kv {
class KvTable;
}
namespace pmemu::checkpoint {
struct CheckpointerShmem;
}
namespace pmemu::replication {
struct WalRcvData;
struct WalSndCtl;
}  // namespace pmemu::replication
namespace pmemu::recovery {
struct RecoveryShmem;
}
namespace pmemu::syncrep {
struct SyncRepShmem;
}
namespace pmemu::faults {
struct Registry;
}

namespace pmemu::ipc {

struct SharedAreas {
  shmem::SegmentHeader* header = nullptr;
  shmem::PmSignalData* pmsignal = nullptr;
  shmem::ProcSlots* procs = nullptr;
  wal::XlogCtl* xlog = nullptr;
  checkpoint::CheckpointerShmem* checkpointer = nullptr;
  kv::KvTable* kv = nullptr;
  replication::WalSndCtl* walsnd = nullptr;
  replication::WalRcvData* walrcv = nullptr;
  recovery::RecoveryShmem* recovery = nullptr;
  syncrep::SyncRepShmem* syncrep = nullptr;
  void* imessage = nullptr;     // room for the imessage area (imessage issue)
  std::size_t imessage_size = 0;
  faults::Registry* faults = nullptr;
};

struct ProcessEnv {
  std::string data_dir;     // absolute
  config::Config config;    // this process's settings (reloaded on SIGHUP)
  config::Settings settings;
  SharedAreas areas;
  Pid postmaster_pid;
  ChildSlot my_slot;        // invalid in the postmaster and dead-end children
  std::uint32_t wal_segment_size = 0;
  std::uint64_t system_identifier = 0;
  // Loaded by the postmaster at start and on SIGHUP (as PostgreSQL loads
  // pg_hba.conf); connection children inherit them through fork.
  std::optional<config::HbaFile> hba;
  std::optional<config::RoleCatalog> roles;
};

// (Re)loads pg_hba.conf and the role catalogue into env(). Returns "" or the
// reason; on failure the previous contents stay in force.
[[nodiscard]] std::string load_auth_files();

// The one instance of this process.
ProcessEnv& env();

// This process's own slot (null in the postmaster and dead-end children).
shmem::ProcSlot* my_proc_slot();

}  // namespace pmemu::ipc
