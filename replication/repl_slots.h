// Physical replication slots: the table in WalSndCtl (under slot_lock) and
// its files in pg_replslot/. A slot keeps WAL from restart_lsn on; a
// walsender streaming from it advances restart_lsn to the standby's
// confirmed flush (write if it reports no flush). The file is rewritten at
// checkpoints when restart_lsn moved (PostgreSQL's CheckPointReplicationSlots)
// and at creation, so after a crash a slot holds at least the WAL it held
// at the last checkpoint. Temporary slots never reach the disk and die with
// their walsender.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/pg_error.h"
#include "replication/walsnd_ctl.h"
#include "wal/lsn.h"

namespace pmemu::replication {

struct SlotInfo {
  Lsn restart_lsn;
  TimeLineId restart_tli;
  std::int32_t active_pid = 0;
};

// All take slot_lock and load pg_replslot/ first if nobody has yet.
// `data_dir` is the absolute data directory.
[[nodiscard]] std::optional<protocol::PgError> create_slot(WalSndCtl& ctl, const std::string& data_dir,
                                                          const std::string& name, bool temporary,
                                                          std::int32_t owner_pid, Lsn restart_lsn,
                                                          TimeLineId tli);
[[nodiscard]] std::optional<protocol::PgError> drop_slot(WalSndCtl& ctl, const std::string& data_dir,
                                                        const std::string& name);
[[nodiscard]] std::optional<SlotInfo> read_slot(WalSndCtl& ctl, const std::string& data_dir,
                                                const std::string& name);
// Marks the slot active for `pid` (START_REPLICATION SLOT): 42704 if absent,
// 55006 if another process uses it.
[[nodiscard]] std::optional<protocol::PgError> acquire_slot(WalSndCtl& ctl, const std::string& data_dir,
                                                           const std::string& name, std::int32_t pid);
// Moves restart_lsn forward (never back) for a slot `pid` holds.
void advance_slot(WalSndCtl& ctl, const std::string& name, Lsn confirmed);
// On walsender exit: releases slots held by `pid`, drops its temporary ones.
void release_slots_of(WalSndCtl& ctl, std::int32_t pid);
// Checkpointer: writes the state file of every persistent slot whose
// restart_lsn moved since it was last written.
void checkpoint_slots(WalSndCtl& ctl, const std::string& data_dir);
// Lowest restart_lsn of any slot, or an invalid Lsn.
[[nodiscard]] Lsn oldest_slot_lsn(WalSndCtl& ctl, const std::string& data_dir);

}  // namespace pmemu::replication
