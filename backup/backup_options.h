// The options of BASE_BACKUP, checked as PostgreSQL 15's
// parse_basebackup_options checks them: each at most once, the same
// messages and SQLSTATEs for bad values. See docs/base-backup.md.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "backup/checksum.h"
#include "protocol/pg_error.h"
#include "protocol/replication_commands.h"

namespace pmemu::backup {

enum class ManifestOption : std::uint8_t { No = 0, Yes = 1, ForceEncode = 2 };

struct BaseBackupOptions {
  std::string label = "base backup";
  bool progress = false;
  bool fast_checkpoint = false;
  bool include_wal = false;  // WAL: the segments from start to end go into base.tar
  ManifestOption manifest = ManifestOption::No;
  ChecksumKind manifest_checksums = ChecksumKind::Crc32c;  // None when there is no manifest
};

// Accepted without effect, as far as they mean anything here: WAIT (there is
// no WAL archiver to wait for), MAX_RATE (no throttling), VERIFY_CHECKSUMS
// (the table image has no page checksums), TABLESPACE_MAP (there are never
// tablespaces, so there are no links to map), TARGET 'client' and
// COMPRESSION 'none'. Other targets and compression algorithms are refused
// with 0A000.
[[nodiscard]] std::variant<BaseBackupOptions, protocol::PgError> parse_base_backup_options(
    const protocol::repl::BaseBackup& cmd);

}  // namespace pmemu::backup
