// Positions in the WAL stream and the types derived from them.
//
// An Lsn is a byte position in the logical WAL stream (PostgreSQL's
// XLogRecPtr). It prints as PostgreSQL prints it: "%X/%X" of the high and low
// 32 bits, upper-case hex without leading zeros ("0/3000148"). Differences of
// two Lsns are ByteCounts, never Lsns, so an Lsn cannot be added to an Lsn.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/strong_int.h"

namespace pmemu {

using ByteCount = StrongInt<struct ByteCountTag, std::uint64_t>;

// Lsn{} (0) is InvalidXLogRecPtr.
class Lsn : public StrongInt<Lsn, std::uint64_t> {
 public:
  using StrongInt::StrongInt;

  constexpr Lsn operator+(ByteCount n) const { return Lsn{v_ + n.get()}; }
  constexpr Lsn& operator+=(ByteCount n) { v_ += n.get(); return *this; }
  // Distance from `earlier` to this; callers ensure earlier <= *this.
  [[nodiscard]] constexpr ByteCount since(Lsn earlier) const {
    return ByteCount{v_ - earlier.v_};
  }

  // "%X/%X", as PostgreSQL's LSN_FORMAT_ARGS.
  [[nodiscard]] std::string str() const;
  // Parses "X/X" (hex, either case, 1..8 digits each). nullopt on bad input.
  static std::optional<Lsn> parse(std::string_view text);
};

using TimeLineId = StrongInt<struct TimeLineIdTag, std::uint32_t>;

// Number of a WAL segment: Lsn / wal_segment_size.
using SegNo = StrongInt<struct SegNoTag, std::uint64_t>;

}  // namespace pmemu
