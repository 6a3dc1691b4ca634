#include <doctest.h>

#include "wal/segment.h"

using namespace pmemu;
using namespace pmemu::wal;

constexpr std::uint32_t k16M = 16 * 1024 * 1024;

TEST_CASE("segment sizes: powers of two from 1 MB to 1 GB") {
  CHECK(valid_segment_size(1024 * 1024));
  CHECK(valid_segment_size(k16M));
  CHECK(valid_segment_size(1024ull * 1024 * 1024));
  CHECK_FALSE(valid_segment_size(512 * 1024));
  CHECK_FALSE(valid_segment_size(2048ull * 1024 * 1024));
  CHECK_FALSE(valid_segment_size(3 * 1024 * 1024));
  CHECK_FALSE(valid_segment_size(0));
}

TEST_CASE("segment arithmetic") {
  CHECK(segno_of(Lsn{0x3000148}, k16M) == SegNo{3});
  CHECK(segment_start(SegNo{3}, k16M) == Lsn{0x3000000});
  CHECK(offset_in_segment(Lsn{0x3000148}, k16M) == 0x148);
  CHECK(at_segment_start(Lsn{0x4000000}, k16M));
  CHECK_FALSE(at_segment_start(Lsn{0x4000008}, k16M));
  CHECK(segno_of_end(Lsn{0x4000000}, k16M) == SegNo{3});
  CHECK(segno_of_end(Lsn{0x4000008}, k16M) == SegNo{4});
}

TEST_CASE("segment file names as PostgreSQL's") {
  CHECK(segment_file_name(TimeLineId{1}, SegNo{3}, k16M) == "000000010000000000000003");
  CHECK(segment_file_name(TimeLineId{2}, SegNo{0x1FF}, k16M) == "0000000200000001000000FF");
  CHECK(segment_file_name(TimeLineId{1}, SegNo{0x1000}, 1024 * 1024) == "000000010000000100000000");
  CHECK(segment_file_name(TimeLineId{0xA}, SegNo{0x1FFF}, 1024 * 1024) == "0000000A0000000100000FFF");

  auto p = parse_segment_file_name("0000000200000001000000FF", k16M);
  REQUIRE(p);
  CHECK(p->tli == TimeLineId{2});
  CHECK(p->segno == SegNo{0x1FF});
  for (std::uint64_t s : {1ull, 0xFFull, 0x100ull, 0x12345ull}) {
    auto back = parse_segment_file_name(segment_file_name(TimeLineId{7}, SegNo{s}, 1024 * 1024), 1024 * 1024);
    REQUIRE(back);
    CHECK(back->segno == SegNo{s});
  }
  CHECK_FALSE(parse_segment_file_name("000000010000000000000100", k16M));  // last field out of range
  CHECK_FALSE(parse_segment_file_name("00000001000000000000000a", k16M));  // lower case
  CHECK_FALSE(parse_segment_file_name("000000000000000000000001", k16M));  // timeline 0
  CHECK_FALSE(parse_segment_file_name("00000001000000000000000", k16M));
  CHECK_FALSE(parse_segment_file_name("00000002.history", k16M));
  CHECK(history_file_name(TimeLineId{2}) == "00000002.history");
}
