#include <doctest.h>

#include "pmctl/system_identifier.h"
#include "pmctl/wal_segsize.h"

using namespace pmemu;
using namespace pmemu::pmctl;

TEST_CASE("wal segment size: powers of two from 1 to 1024 MB") {
  for (std::int64_t mb : {1, 2, 16, 64, 1024}) {
    auto r = wal_segsize_bytes(mb);
    REQUIRE(std::holds_alternative<ByteCount>(r));
    CHECK(std::get<ByteCount>(r).get() == static_cast<std::uint64_t>(mb) << 20);
  }
  for (std::int64_t mb : {0, -16, 3, 24, 2048, 1023}) {
    auto r = wal_segsize_bytes(mb);
    REQUIRE(std::holds_alternative<std::string>(r));
    CHECK(std::get<std::string>(r) == "argument of --wal-segsize must be a power of two between 1 and 1024");
  }
}

TEST_CASE("system identifier packs time and pid as initdb does") {
  CHECK(make_system_identifier(1, 0, 0) == (std::uint64_t{1} << 32));
  CHECK(make_system_identifier(0, 1, 0) == 0x1000u);
  CHECK(make_system_identifier(0, 0, 0x12345) == 0x345u);
  CHECK(make_system_identifier(0x6500'0000, 999'999, 0xFFF) ==
        ((std::uint64_t{0x6500'0000} << 32) | (std::uint64_t{999'999} << 12) | 0xFFF));
  auto a = new_system_identifier();
  CHECK((a >> 32) > 1'600'000'000u);  // seconds since the epoch, after 2020
}
