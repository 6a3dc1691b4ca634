#include "replication/repl_slots.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <system_error>

#include "replication/slot_state_file.h"
#include "wal/file_io.h"

namespace pmemu::replication {
namespace {

namespace fs = std::filesystem;
using protocol::PgError;
namespace sqlstate = protocol::sqlstate;

std::string slot_dir(const std::string& data_dir, const std::string& name) {
  return data_dir + "/pg_replslot/" + name;
}

ReplSlot* find(WalSndCtl& ctl, const std::string& name) {
  for (auto& s : ctl.repl_slots)
    if (s.in_use && name == s.name) return &s;
  return nullptr;
}

// Under slot_lock. A damaged file is skipped (the slot is lost), as a
// missing one would be: the server must still start.
void ensure_loaded(WalSndCtl& ctl, const std::string& data_dir) {
  if (ctl.slots_loaded) return;
  ctl.slots_loaded = 1;
  std::error_code ec;
  std::size_t next = 0;
  for (const auto& entry : fs::directory_iterator(data_dir + "/pg_replslot", ec)) {
    std::ifstream in(entry.path() / "state", std::ios::binary);
    if (!in) continue;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto parsed = unpack_slot_state(bytes);
    auto* st = std::get_if<SlotStateFile>(&parsed);
    if (!st || next >= kMaxReplicationSlots) continue;
    auto& s = ctl.repl_slots[next++];
    std::memset(&s, 0, sizeof s);
    s.in_use = 1;
    s.restart_lsn = s.saved_restart_lsn = st->restart_lsn.get();
    s.restart_tli = st->restart_tli.get();
    std::snprintf(s.name, sizeof s.name, "%s", st->name.c_str());
  }
}

std::string save(const std::string& data_dir, const ReplSlot& s) {
  const std::string dir = slot_dir(data_dir, s.name);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "could not create directory \"" + dir + "\": " + ec.message();
  auto bytes = pack_slot_state({s.name, Lsn{s.restart_lsn}, TimeLineId{s.restart_tli}});
  auto st = wal::write_file_atomically(dir, "state.tmp", "state",
                                       std::as_bytes(std::span<const char>(bytes.data(), bytes.size())), bytes.size());
  if (!st.ok()) return st.error;
  (void)wal::fsync_path(data_dir + "/pg_replslot", wal::IsDirectory{true});
  return {};
}

}  // namespace

std::optional<PgError> create_slot(WalSndCtl& ctl, const std::string& data_dir, const std::string& name,
                                   bool temporary, std::int32_t owner_pid, Lsn restart_lsn, TimeLineId tli) {
  shmem::RobustLock lock(ctl.slot_lock);
  ensure_loaded(ctl, data_dir);
  if (find(ctl, name)) return PgError::error(sqlstate::kDuplicateObject, "replication slot \"" + name + "\" already exists");
  ReplSlot* free_slot = nullptr;
  for (auto& s : ctl.repl_slots)
    if (!s.in_use) { free_slot = &s; break; }
  if (!free_slot)
    return PgError::error(sqlstate::kConfigurationLimitExceeded, "all replication slots are in use")
        .with_hint("Free one or increase max_replication_slots.");
  auto& s = *free_slot;
  std::memset(&s, 0, sizeof s);
  std::snprintf(s.name, sizeof s.name, "%s", name.c_str());
  s.temporary = temporary ? 1 : 0;
  s.active_pid = temporary ? owner_pid : 0;
  s.restart_lsn = s.saved_restart_lsn = restart_lsn.get();
  s.restart_tli = tli.get();
  if (!temporary) {
    if (auto err = save(data_dir, s); !err.empty()) return PgError::error(sqlstate::kInternalError, err);
  }
  s.in_use = 1;
  return std::nullopt;
}

std::optional<PgError> drop_slot(WalSndCtl& ctl, const std::string& data_dir, const std::string& name) {
  shmem::RobustLock lock(ctl.slot_lock);
  ensure_loaded(ctl, data_dir);
  auto* s = find(ctl, name);
  if (!s) return PgError::error(sqlstate::kUndefinedObject, "replication slot \"" + name + "\" does not exist");
  if (s->active_pid != 0)
    return PgError::error(sqlstate::kObjectInUse, "replication slot \"" + name + "\" is active for PID " +
                                                     std::to_string(s->active_pid));
  if (!s->temporary) {
    std::error_code ec;
    fs::remove_all(slot_dir(data_dir, name), ec);
    (void)wal::fsync_path(data_dir + "/pg_replslot", wal::IsDirectory{true});
  }
  s->in_use = 0;
  return std::nullopt;
}

std::optional<SlotInfo> read_slot(WalSndCtl& ctl, const std::string& data_dir, const std::string& name) {
  shmem::RobustLock lock(ctl.slot_lock);
  ensure_loaded(ctl, data_dir);
  auto* s = find(ctl, name);
  if (!s) return std::nullopt;
  return SlotInfo{Lsn{s->restart_lsn}, TimeLineId{s->restart_tli}, s->active_pid};
}

std::optional<PgError> acquire_slot(WalSndCtl& ctl, const std::string& data_dir, const std::string& name,
                                    std::int32_t pid) {
  shmem::RobustLock lock(ctl.slot_lock);
  ensure_loaded(ctl, data_dir);
  auto* s = find(ctl, name);
  if (!s) return PgError::error(sqlstate::kUndefinedObject, "replication slot \"" + name + "\" does not exist");
  if (s->active_pid != 0 && s->active_pid != pid)
    return PgError::error(sqlstate::kObjectInUse, "replication slot \"" + name + "\" is active for PID " +
                                                     std::to_string(s->active_pid));
  s->active_pid = pid;
  return std::nullopt;
}

void advance_slot(WalSndCtl& ctl, const std::string& name, Lsn confirmed) {
  shmem::RobustLock lock(ctl.slot_lock);
  auto* s = find(ctl, name);
  if (s && confirmed.get() > s->restart_lsn) s->restart_lsn = confirmed.get();
}

void release_slots_of(WalSndCtl& ctl, std::int32_t pid) {
  shmem::RobustLock lock(ctl.slot_lock);
  for (auto& s : ctl.repl_slots) {
    if (!s.in_use || s.active_pid != pid) continue;
    s.active_pid = 0;
    if (s.temporary) s.in_use = 0;
  }
}

void checkpoint_slots(WalSndCtl& ctl, const std::string& data_dir) {
  shmem::RobustLock lock(ctl.slot_lock);
  ensure_loaded(ctl, data_dir);
  for (auto& s : ctl.repl_slots) {
    if (!s.in_use || s.temporary || s.restart_lsn == s.saved_restart_lsn) continue;
    if (save(data_dir, s).empty()) s.saved_restart_lsn = s.restart_lsn;
  }
}

Lsn oldest_slot_lsn(WalSndCtl& ctl, const std::string& data_dir) {
  shmem::RobustLock lock(ctl.slot_lock);
  ensure_loaded(ctl, data_dir);
  Lsn oldest;
  for (auto& s : ctl.repl_slots) {
    if (!s.in_use || s.restart_lsn == 0) continue;
    if (!oldest.valid() || s.restart_lsn < oldest.get()) oldest = Lsn{s.restart_lsn};
  }
  return oldest;
}

}  // namespace pmemu::replication
