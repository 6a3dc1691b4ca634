// The server side of BASE_BACKUP (PostgreSQL 15's framing, see
// docs/base-backup.md): a checkpoint, the start position, the tablespace
// list, then one COPY stream with the archive "base.tar" ('n', 'd', 'p'
// payloads) and, if asked for, the backup manifest ('m', then 'd'), and the
// end position. The caller (the walsender) sends the final CommandComplete
// "BASE_BACKUP" and ReadyForQuery.
//
// Consistency without stopping writes: pg_control is read first, the table
// image after it (an image is only ever replaced by a newer one), and the WAL
// segments last, from the segment of pg_control's redo point to the flush
// position. Recovery of the copy replays from that redo point.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "backup/backup_options.h"
#include "protocol/pg_error.h"
#include "protocol/wire.h"

namespace pmemu::recovery {
struct RecoveryShmem;
}
namespace pmemu::checkpoint {
struct CheckpointerShmem;
}
namespace pmemu::wal {
struct XlogCtl;
}

namespace pmemu::backup {

struct BackupIo {
  protocol::Buffer& out;
  std::function<bool()> flush;        // sends `out`; false if the client went away
  std::function<bool()> wait_a_little;  // a short interruptible sleep; false to give up
};

// What the backup reads: the data directory and the shared areas that say
// whether recovery runs, how far WAL is flushed, and how to ask the
// checkpointer for the backup's checkpoint. The walsender fills it in.
struct BackupSource {
  std::string data_dir;
  std::uint64_t wal_segment_size = 0;
  const recovery::RecoveryShmem* recovery = nullptr;
  checkpoint::CheckpointerShmem* checkpointer = nullptr;
  wal::XlogCtl* xlog = nullptr;
};

[[nodiscard]] std::optional<protocol::PgError> send_base_backup(const BackupSource& src, const BaseBackupOptions& opts,
                                                                BackupIo& io);

}  // namespace pmemu::backup
