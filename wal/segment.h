// WAL segment arithmetic and file names, as PostgreSQL's xlog_internal.h.
//
// The WAL stream is cut into files of wal_segment_size bytes; segment n holds
// Lsns [n*size, (n+1)*size). A file is named by timeline and segment number:
// "%08X%08X%08X" of (tli, segno / segs_per_xlogid, segno % segs_per_xlogid)
// where segs_per_xlogid = 2^32 / size, so 16 MB segments count 00..FF in the
// last field exactly as PostgreSQL's do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wal/lsn.h"

namespace pmemu::wal {

inline constexpr std::uint64_t kMinSegmentSize = 1024 * 1024;
inline constexpr std::uint64_t kMaxSegmentSize = 1024 * 1024 * 1024;

// A power of two in [1 MB, 1 GB], as initdb --wal-segsize accepts.
[[nodiscard]] bool valid_segment_size(std::uint64_t bytes);

// All below require valid_segment_size(seg_size).
[[nodiscard]] SegNo segno_of(Lsn lsn, std::uint32_t seg_size);
// The segment holding the byte just before `end` (XLByteToPrevSeg): where a
// record ending exactly on a boundary lives.
[[nodiscard]] SegNo segno_of_end(Lsn end, std::uint32_t seg_size);
[[nodiscard]] Lsn segment_start(SegNo segno, std::uint32_t seg_size);
[[nodiscard]] std::uint64_t offset_in_segment(Lsn lsn, std::uint32_t seg_size);
[[nodiscard]] bool at_segment_start(Lsn lsn, std::uint32_t seg_size);

// "000000010000000000000003"
[[nodiscard]] std::string segment_file_name(TimeLineId tli, SegNo segno, std::uint32_t seg_size);

struct SegmentName {
  TimeLineId tli;
  SegNo segno;
};
// Inverse of segment_file_name; nullopt unless exactly 24 upper-case hex
// digits with a non-zero timeline and an in-range last field.
[[nodiscard]] std::optional<SegmentName> parse_segment_file_name(std::string_view name,
                                                                 std::uint32_t seg_size);

// "00000002.history"
[[nodiscard]] std::string history_file_name(TimeLineId tli);

}  // namespace pmemu::wal
