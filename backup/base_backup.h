// The server side of BASE_BACKUP (PostgreSQL 15's framing, see
// docs/base-backup.md): a checkpoint, the start position, the tablespace
// list, one tar archive "base.tar" in CopyOut with 'n'/'d'/'p' payloads, and
// the end position. The caller (the walsender) sends the final
// CommandComplete "BASE_BACKUP" and ReadyForQuery.
//
// Consistency without stopping writes: pg_control is read first, the table
// image after it (an image is only ever replaced by a newer one), and the WAL
// segments last, from the segment of pg_control's redo point to the current
// insert position. Recovery of the copy replays from that redo point.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "protocol/pg_error.h"
#include "protocol/replication_commands.h"
#include "protocol/wire.h"

namespace pmemu::backup {

struct BaseBackupOptions {
  std::string label = "base backup";
  bool progress = false;
  bool fast_checkpoint = false;
};

[[nodiscard]] std::variant<BaseBackupOptions, protocol::PgError> parse_base_backup_options(
    const protocol::repl::BaseBackup& cmd);

struct BackupIo {
  protocol::Buffer& out;
  std::function<bool()> flush;        // sends `out`; false if the client went away
  std::function<bool()> wait_a_little;  // a short interruptible sleep; false to give up
};

[[nodiscard]] std::optional<protocol::PgError> send_base_backup(const BaseBackupOptions& opts, BackupIo& io);

}  // namespace pmemu::backup
