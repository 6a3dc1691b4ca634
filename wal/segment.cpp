#include "wal/segment.h"

#include <cassert>
#include <cstdio>

namespace pmemu::wal {
namespace {

std::uint64_t segs_per_xlogid(std::uint32_t seg_size) {
  return 0x100000000ull / seg_size;
}

std::optional<std::uint32_t> parse_hex8(std::string_view s) {
  std::uint32_t v = 0;
  for (char c : s) {
    std::uint32_t d;
    if (c >= '0' && c <= '9') d = static_cast<std::uint32_t>(c - '0');
    else if (c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
    else return std::nullopt;
    v = (v << 4) | d;
  }
  return v;
}

}  // namespace

bool valid_segment_size(std::uint64_t bytes) {
  return bytes >= kMinSegmentSize && bytes <= kMaxSegmentSize && (bytes & (bytes - 1)) == 0;
}

SegNo segno_of(Lsn lsn, std::uint32_t seg_size) {
  assert(valid_segment_size(seg_size));
  return SegNo{lsn.get() / seg_size};
}

SegNo segno_of_end(Lsn end, std::uint32_t seg_size) {
  assert(valid_segment_size(seg_size) && end.get() > 0);
  return SegNo{(end.get() - 1) / seg_size};
}

Lsn segment_start(SegNo segno, std::uint32_t seg_size) {
  return Lsn{segno.get() * seg_size};
}

std::uint64_t offset_in_segment(Lsn lsn, std::uint32_t seg_size) {
  return lsn.get() & (seg_size - 1u);
}

bool at_segment_start(Lsn lsn, std::uint32_t seg_size) {
  return offset_in_segment(lsn, seg_size) == 0;
}

std::string segment_file_name(TimeLineId tli, SegNo segno, std::uint32_t seg_size) {
  const std::uint64_t per = segs_per_xlogid(seg_size);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08X%08X%08X", tli.get(),
                static_cast<unsigned>(segno.get() / per), static_cast<unsigned>(segno.get() % per));
  return buf;
}

std::optional<SegmentName> parse_segment_file_name(std::string_view name, std::uint32_t seg_size) {
  if (name.size() != 24) return std::nullopt;
  auto tli = parse_hex8(name.substr(0, 8));
  auto hi = parse_hex8(name.substr(8, 8));
  auto lo = parse_hex8(name.substr(16, 8));
  if (!tli || !hi || !lo || *tli == 0) return std::nullopt;
  const std::uint64_t per = segs_per_xlogid(seg_size);
  if (*lo >= per) return std::nullopt;
  return SegmentName{TimeLineId{*tli}, SegNo{std::uint64_t{*hi} * per + *lo}};
}

std::string history_file_name(TimeLineId tli) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08X.history", tli.get());
  return buf;
}

}  // namespace pmemu::wal
