// pg_wal housekeeping before recovery reads it (PostgreSQL's
// RemovePgTempFiles and SyncDataDirectory, for pg_wal).
#pragma once

#include <string>

#include "wal/result.h"

namespace pmemu::wal {

// Deletes pg_wal/xlogtemp.* left by a process that died while creating a
// segment file (the name carries the dead creator's pid, so nothing else
// ever reuses or removes them). Call only while no process can be creating
// one: before recovery starts. Returns how many were removed.
[[nodiscard]] Result<int> remove_temp_files(const std::string& pg_wal_dir);

// fsyncs every regular file in pg_wal, then the directory. WAL left by
// processes that died may sit in the page cache only, yet recovery replays
// it into the table and then writes an image: without this, a power loss
// after that image reached disk could lose the WAL it was built from.
[[nodiscard]] Status sync_wal_files(const std::string& pg_wal_dir);

}  // namespace pmemu::wal
