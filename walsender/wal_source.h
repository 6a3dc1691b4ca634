// Where a walsender gets WAL bytes: the segment files in pg_wal, read with
// pread. Only bytes below the flush position are ever asked for, so a file
// may still be growing but never changes under the range we read.
#pragma once

#include <cstdint>
#include <string>

#include "common/unique_fd.h"
#include "wal/lsn.h"
#include "wal/result.h"

namespace pmemu::walsender {

// PostgreSQL's MAX_SEND_SIZE: 16 x XLOG_BLCKSZ.
inline constexpr std::uint64_t kWalPageSize = 8192;
inline constexpr std::uint64_t kMaxSendSize = 16 * kWalPageSize;

// End of the next XLogData chunk starting at `sent` when WAL is flushed up
// to `flushed` (> sent): at most kMaxSendSize, never past the end of the
// segment holding `sent`, and cut at a page boundary when more is pending
// (as PostgreSQL's XLogSendPhysical does, so records split only at pages).
[[nodiscard]] Lsn chunk_end(Lsn sent, Lsn flushed, std::uint32_t seg_size);

class WalSource {
 public:
  WalSource(std::string wal_dir, std::uint32_t seg_size) : dir_(std::move(wal_dir)), seg_size_(seg_size) {}
  // Appends [start, end) to `out`; the range lies within one segment.
  // Error text as PostgreSQL's: "requested WAL segment %s has already been
  // removed" when the file is gone.
  [[nodiscard]] wal::Status read(TimeLineId tli, Lsn start, Lsn end, std::string& out);

 private:
  std::string dir_;
  std::uint32_t seg_size_;
  UniqueFd fd_;
  std::uint64_t open_segno_ = ~std::uint64_t{0};
  std::uint32_t open_tli_ = 0;
};

}  // namespace pmemu::walsender
