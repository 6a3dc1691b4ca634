// LSNs print and parse as PostgreSQL's "%X/%X".
#include <doctest.h>

#include "wal/lsn.h"

using pmemu::ByteCount;
using pmemu::Lsn;

TEST_CASE("LSNs print as PostgreSQL prints them") {
  CHECK(Lsn{0}.str() == "0/0");
  CHECK(Lsn{0x3000148}.str() == "0/3000148");
  CHECK(Lsn{(std::uint64_t{0x1} << 32) | 0x9A0004D8}.str() == "1/9A0004D8");
  CHECK(Lsn{UINT64_MAX}.str() == "FFFFFFFF/FFFFFFFF");
}

TEST_CASE("LSNs parse in either case and round-trip") {
  CHECK(Lsn::parse("0/3000148") == Lsn{0x3000148});
  CHECK(Lsn::parse("1/9a0004d8") == Lsn{(std::uint64_t{1} << 32) | 0x9A0004D8});
  CHECK(Lsn::parse("FFFFFFFF/FFFFFFFF") == Lsn{UINT64_MAX});
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x1000000}, UINT64_MAX - 7})
    CHECK(Lsn::parse(Lsn{v}.str()) == Lsn{v});
}

TEST_CASE("bad LSN text is refused") {
  for (const char* bad : {"", "/", "0/", "/0", "0", "0/0/0", "g/0", "0/x1", "123456789/0", "0/123456789", " 0/1", "0/1 "})
    CHECK_MESSAGE(!Lsn::parse(bad), bad);
}

TEST_CASE("differences are byte counts, not positions") {
  const Lsn a{100}, b{164};
  CHECK(b.since(a) == ByteCount{64});
  CHECK(a + ByteCount{64} == b);
  CHECK(a < b);
  CHECK_FALSE(Lsn{}.valid());
  CHECK(b.valid());
}
