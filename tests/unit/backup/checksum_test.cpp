// Manifest checksums: published test vectors for every algorithm, the
// CRC32C byte order pg_verifybackup expects, and incremental feeding.
#include <doctest.h>

#include <string>

#include "backup/checksum.h"

using namespace pmemu::backup;

namespace {

std::string digest_hex(ChecksumKind kind, std::string_view data) {
  Checksum c(kind);
  c.update(data);
  return c.finish_hex();
}

}  // namespace

TEST_CASE("checksums match the published vectors") {
  // CRC-32C check value 0xE3069283, written as its little-endian bytes.
  CHECK(digest_hex(ChecksumKind::Crc32c, "123456789") == "839206e3");
  CHECK(digest_hex(ChecksumKind::Crc32c, "") == "00000000");
  // FIPS 180-2 "abc" vectors.
  CHECK(digest_hex(ChecksumKind::Sha224, "abc") == "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  CHECK(digest_hex(ChecksumKind::Sha256, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(digest_hex(ChecksumKind::Sha384, "abc") ==
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  CHECK(digest_hex(ChecksumKind::Sha512, "abc") ==
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce8"
        "0e2a9ac94fa54ca49f");
  CHECK(digest_hex(ChecksumKind::Sha256, "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(digest_hex(ChecksumKind::None, "abc").empty());
}

TEST_CASE("a checksum fed in pieces equals the checksum of the whole") {
  std::string data(100000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + 3);
  for (auto kind : {ChecksumKind::Crc32c, ChecksumKind::Sha224, ChecksumKind::Sha256, ChecksumKind::Sha384,
                    ChecksumKind::Sha512}) {
    CAPTURE(checksum_kind_name(kind));
    Checksum pieces(kind);
    pieces.update(std::string_view(data).substr(0, 1));
    pieces.update(std::string_view(data).substr(1, 65535));
    pieces.update(std::string_view(data).substr(65536));
    const std::string whole = digest_hex(kind, data);
    CHECK(pieces.finish_hex() == whole);
    data[5000] ^= 1;
    CHECK(digest_hex(kind, data) != whole);
    data[5000] ^= 1;
  }
}

TEST_CASE("checksum algorithm names parse in any case and print in upper case") {
  CHECK(parse_checksum_kind("crc32c") == ChecksumKind::Crc32c);
  CHECK(parse_checksum_kind("SHA512") == ChecksumKind::Sha512);
  CHECK(parse_checksum_kind("Sha224") == ChecksumKind::Sha224);
  CHECK(parse_checksum_kind("none") == ChecksumKind::None);
  CHECK_FALSE(parse_checksum_kind("md5").has_value());
  CHECK_FALSE(parse_checksum_kind("sha2560").has_value());
  CHECK_FALSE(parse_checksum_kind("").has_value());
  CHECK(checksum_kind_name(ChecksumKind::Sha384) == "SHA384");
  CHECK(checksum_kind_name(ChecksumKind::None) == "NONE");
  CHECK(hex_encode(std::string("\x00\x7f\xff", 3)) == "007fff");
}
