// What base.tar holds, in order (docs/base-backup.md, "The archive"): the
// settings files, global/ with pg_control and the roles, base/ with the
// table image, the empty pg_replslot/ and pg_tblspc/ directories, pg_wal/,
// and with the WAL option the segments and history files.
//
// Read order is what makes the copy consistent: pg_control first (the
// caller captures it), then every other data file now, at planning time;
// WAL segments are only named here and read as late as possible, when sent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "backup/tar_format.h"
#include "wal/lsn.h"

namespace pmemu::backup {

struct ArchiveMember {
  std::string name;                     // path inside the archive, no trailing '/'
  TarEntryType type = TarEntryType::File;
  std::optional<std::string> contents;  // read at planning time; nullopt: read `source` when sending
  std::string source;                   // where a WAL file is read from
  std::uint64_t size = 0;               // planned size (for the size estimate)
  std::int64_t mtime = 0;               // Unix seconds
  bool in_manifest = false;             // regular files outside pg_wal/, as PostgreSQL lists them
};

struct CapturedFile {
  std::string bytes;
  std::int64_t mtime = 0;
};

// Reads `path` and its modification time; nullopt if it cannot be read.
[[nodiscard]] std::optional<CapturedFile> capture_file(const std::string& path);

// Every member but the WAL, with its contents read now. `control` is
// pg_control as captured before anything else. An error names the file
// that could not be read.
using PlannedMembers = std::variant<std::vector<ArchiveMember>, std::string>;
[[nodiscard]] PlannedMembers plan_data_files(const std::string& data_dir, CapturedFile control);

// Appends pg_wal/ members: the history files and the segments of `tli`
// from the one holding `from` to the one holding `to`. An error (PostgreSQL's
// wording) if a segment recovery needs, up to the one holding the byte
// before `to`, is not there: a checkpoint removed it.
[[nodiscard]] std::optional<std::string> plan_wal_files(std::vector<ArchiveMember>& members,
                                                        const std::string& data_dir, std::uint32_t seg_size,
                                                        TimeLineId tli, Lsn from, Lsn to);

}  // namespace pmemu::backup
