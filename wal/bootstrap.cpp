#include "wal/bootstrap.h"

#include <unistd.h>

#include "wal/file_io.h"
#include "wal/record.h"
#include "wal/segment.h"

namespace pmemu::wal {

Result<BootstrapWal> bootstrap_wal(const std::string& pg_wal_dir, std::uint32_t wal_segment_size,
                                   std::uint64_t system_identifier, std::int64_t now) {
  using R = Result<BootstrapWal>;
  if (!valid_segment_size(wal_segment_size)) {
    return R::failure("invalid WAL segment size " + std::to_string(wal_segment_size));
  }
  const SegNo first{1};
  const Lsn at = segment_start(first, wal_segment_size);
  const TimeLineId tli{1};
  const auto payload = pack_checkpoint(CheckpointPayload{at, tli, tli, now, system_identifier});
  const auto record = encode_record(RecordType::CheckpointShutdown, Lsn{}, payload);
  if (auto s = write_file_atomically(pg_wal_dir, "xlogtemp." + std::to_string(::getpid()),
                                     segment_file_name(tli, first, wal_segment_size), record, wal_segment_size);
      !s.ok()) {
    return R::failure(s.error);
  }
  return BootstrapWal{at, at + ByteCount{max_align(record.size())}};
}

}  // namespace pmemu::wal
