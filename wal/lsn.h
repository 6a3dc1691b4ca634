// Positions in the WAL stream and the types derived from them.
//
// An Lsn is a byte position in the logical WAL stream (PostgreSQL's
// XLogRecPtr). It prints as PostgreSQL prints it: "%X/%X" of the high and low
// 32 bits, upper-case hex without leading zeros ("0/3000148"). Differences of
// two Lsns are ByteCounts, never Lsns, so an Lsn cannot be added to an Lsn.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pmemu {

class ByteCount {
 public:
  constexpr ByteCount() = default;
  constexpr explicit ByteCount(std::uint64_t v) : v_(v) {}
  [[nodiscard]] constexpr std::uint64_t get() const { return v_; }
  friend constexpr auto operator<=>(ByteCount, ByteCount) = default;

 private:
  std::uint64_t v_ = 0;
};

class Lsn {
 public:
  static constexpr std::uint64_t kInvalidValue = 0;
  constexpr Lsn() = default;
  constexpr explicit Lsn(std::uint64_t v) : v_(v) {}
  [[nodiscard]] constexpr std::uint64_t get() const { return v_; }
  [[nodiscard]] constexpr bool valid() const { return v_ != kInvalidValue; }
  friend constexpr auto operator<=>(Lsn, Lsn) = default;

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

 private:
  std::uint64_t v_ = kInvalidValue;
};

class TimeLineId {
 public:
  constexpr TimeLineId() = default;
  constexpr explicit TimeLineId(std::uint32_t v) : v_(v) {}
  [[nodiscard]] constexpr std::uint32_t get() const { return v_; }
  friend constexpr auto operator<=>(TimeLineId, TimeLineId) = default;

 private:
  std::uint32_t v_ = 0;
};

// Number of a WAL segment: Lsn / wal_segment_size.
class SegNo {
 public:
  constexpr SegNo() = default;
  constexpr explicit SegNo(std::uint64_t v) : v_(v) {}
  [[nodiscard]] constexpr std::uint64_t get() const { return v_; }
  friend constexpr auto operator<=>(SegNo, SegNo) = default;

 private:
  std::uint64_t v_ = 0;
};

}  // namespace pmemu
