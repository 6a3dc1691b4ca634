#include <doctest.h>

#include <string>
#include <vector>

#include "wal/crc32c.h"

using namespace pmemu::wal;

namespace {
std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }
}  // namespace

TEST_CASE("crc32c matches the Castagnoli check value") {
  CHECK(crc32c(bytes_of("123456789")) == 0xE3069283u);
  CHECK(crc32c({}) == 0u);
}

TEST_CASE("crc32c hardware and portable paths agree, whole and in pieces") {
  std::string data(1021, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131 + 7);
  const auto all = bytes_of(data);
  const std::uint32_t whole = crc32c(all);
  CHECK(crc32c_finish(crc32c_extend_portable_for_test(kCrc32cInit, all)) == whole);
  for (std::size_t cut : {0u, 1u, 7u, 8u, 500u, 1021u}) {
    CAPTURE(cut);
    CHECK(crc32c_finish(crc32c_extend(crc32c_extend(kCrc32cInit, all.first(cut)), all.subspan(cut))) == whole);
    CHECK(crc32c_finish(crc32c_extend_portable_for_test(
              crc32c_extend_portable_for_test(kCrc32cInit, all.first(cut)), all.subspan(cut))) == whole);
  }
  data[500] ^= 1;
  CHECK(crc32c(bytes_of(data)) != whole);
}
