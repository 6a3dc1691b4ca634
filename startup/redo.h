// Replaying WAL records into the table: the pure part of recovery, testable
// without processes. Replay is idempotent (an insert of an existing key
// overwrites, a delete of a missing key does nothing) because the image may
// already hold rows written after the redo point.
#pragma once

#include <functional>
#include <string>

#include "kv/kv_table.h"
#include "wal/control_file.h"
#include "wal/lsn.h"

namespace pmemu::startup {

struct RedoResult {
  Lsn end;              // where the next record goes
  Lsn last_record;      // start of the last valid record (the next one's prev-link)
  std::size_t records_applied = 0;  // records after the checkpoint record that changed or could change rows
  std::string end_reason;           // why reading stopped, with the position ("invalid record at X/X: ...")
  std::string end_reason_short;     // just the reason, as PostgreSQL logs it at the end of redo
  std::string error;                // non-empty: recovery cannot continue
};

// Reads from cf.redo to the end of valid WAL on cf.tli. `on_first_redo` runs
// once, before the first record past the checkpoint record is applied.
[[nodiscard]] RedoResult replay(const std::string& pg_wal_dir, std::uint32_t seg_size, const wal::ControlFile& cf,
                                kv::KvTable::Locked& table, const std::function<void(Lsn)>& on_first_redo);

}  // namespace pmemu::startup
