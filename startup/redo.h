// Replaying WAL records into the table: the part of recovery that needs no
// processes. Replay is idempotent (an insert of an existing key overwrites, a
// delete of a missing key does nothing) because the image may already hold
// rows written after the redo point.
#pragma once

#include <functional>
#include <string>

#include "kv/kv_table.h"
#include "wal/control_file.h"
#include "wal/lsn.h"
#include "wal/reader.h"
#include "wal/timeline_history.h"

namespace pmemu::startup {

// Applies one record's change to the table; "" or why it could not.
[[nodiscard]] std::string apply_record(kv::KvTable::Locked& table, const wal::WalRecord& rec);

// Records that name a timeline (checkpoints, end of recovery) must name the
// one `history` puts them on; "" or PostgreSQL's complaint. A mismatch means
// the history being followed is not the one this WAL was written under.
[[nodiscard]] std::string check_record_timeline(const wal::WalRecord& rec, const wal::TimelineHistory& history);

// After applying `rec` (caller holds the table lock): publishes the replay
// position, and a checkpoint record as the place a restartpoint may use
// (startup/recovery_shmem.h). No-op where no recovery::RecoveryShmem is attached.
void note_replayed(const wal::WalRecord& rec);

struct RedoResult {
  Lsn end;              // where the next record goes
  Lsn last_record;      // start of the last valid record (the next one's prev-link)
  std::size_t records_applied = 0;  // records after the checkpoint record
  std::string end_reason;           // why reading stopped, with the position
  std::string end_reason_short;     // just the reason, as PostgreSQL logs it at the end of redo
  std::string error;                // non-empty: recovery cannot continue
};

// Reads with `reader` (seeked to cf.redo) to the end of valid WAL, across
// the timeline switches of the reader's history.
// `on_first_redo` runs once, before the first record past the checkpoint
// record is applied.
[[nodiscard]] RedoResult replay(wal::WalReader& reader, const wal::ControlFile& cf, kv::KvTable::Locked& table,
                                const std::function<void(Lsn)>& on_first_redo);

}  // namespace pmemu::startup
