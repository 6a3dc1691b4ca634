#include <doctest.h>

#include <concepts>
#include <cstdint>
#include <type_traits>

#include "common/strong_id.h"
#include "wal/lsn.h"

using namespace pmemu;

// Kinds do not mix and do not come from a bare integer by accident.
static_assert(!std::is_convertible_v<std::uint64_t, Lsn>);
static_assert(!std::is_convertible_v<std::uint32_t, ChildSlot>);
static_assert(!std::equality_comparable_with<SegNo, ByteCount>);
static_assert(!std::equality_comparable_with<Lsn, SegNo>);
static_assert(!std::is_convertible_v<ChildSlot, TimeLineId>);
static_assert(sizeof(Lsn) == sizeof(std::uint64_t));

TEST_CASE("strong integers compare within their kind and know their invalid value") {
  CHECK(Lsn{5} < Lsn{7});
  CHECK(Lsn{7} == Lsn{7});
  CHECK_FALSE(Lsn{}.valid());
  CHECK(Lsn{1}.valid());
  CHECK_FALSE(ChildSlot{}.valid());  // UINT32_MAX, since 0 is a real slot
  CHECK(ChildSlot{0}.valid());
  CHECK_FALSE(Pid{-1}.valid());
  CHECK_FALSE(Pid{}.valid());
  CHECK(Pid{42}.valid());
  CHECK((Lsn{100} + ByteCount{28}) == Lsn{128});
  CHECK(Lsn{128}.since(Lsn{100}) == ByteCount{28});
}
