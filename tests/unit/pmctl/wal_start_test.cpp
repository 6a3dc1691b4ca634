#include <doctest.h>

#include "pmctl/wal_start.h"

using namespace pmemu;
using namespace pmemu::pmctl;

namespace {
constexpr std::uint32_t k16MB = 16 * 1024 * 1024;
}

TEST_CASE("oldest_segment picks the lowest segment of the asked timeline only") {
  std::vector<std::string> names{
      "000000010000000000000003", "000000010000000000000002", "000000020000000000000001",
      "00000002.history",         "000000010000000000000001.partial", "archive_status",
      "000000010000000100000000",  // segno 256 with 16 MB segments
  };
  CHECK(oldest_segment(names, TimeLineId{1}, k16MB) == SegNo{2});
  CHECK(oldest_segment(names, TimeLineId{2}, k16MB) == SegNo{1});
  CHECK_FALSE(oldest_segment(names, TimeLineId{3}, k16MB).has_value());
  CHECK_FALSE(oldest_segment({}, TimeLineId{1}, k16MB).has_value());

  std::vector<std::string> wrapped{"000000010000000100000000", "0000000100000000000000FF"};
  CHECK(oldest_segment(wrapped, TimeLineId{1}, k16MB) == SegNo{255});
}
