// Writes streamed WAL into pg_wal segment files on a standby: a missing
// segment is created zero-filled to its full size (temporary file, fsync,
// rename), so files look exactly like the primary's; an existing one is
// written in place. flush() fdatasyncs what was written since the last flush.
// Owned by the walreceiver process.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.h"
#include "wal/lsn.h"

namespace pmemu::walreceiver {

class WalFileWriter {
 public:
  WalFileWriter(std::string dir, std::uint32_t seg_size, TimeLineId tli, bool fsync)
      : dir_(std::move(dir)), seg_size_(seg_size), tli_(tli), fsync_(fsync) {}

  // Writes `data` at `start`; "" or the error.
  [[nodiscard]] std::string write(Lsn start, std::string_view data);
  [[nodiscard]] std::string flush();
  // End of the last write (the next byte expected).
  [[nodiscard]] Lsn end() const { return end_; }

 private:
  [[nodiscard]] std::string open_segment(std::uint64_t segno);

  std::string dir_;
  std::uint32_t seg_size_;
  TimeLineId tli_;
  bool fsync_;
  UniqueFd fd_;
  std::uint64_t segno_ = UINT64_MAX;
  std::vector<UniqueFd> to_sync_;  // segments finished since the last flush
  bool dirty_ = false;
  Lsn end_;
};

}  // namespace pmemu::walreceiver
