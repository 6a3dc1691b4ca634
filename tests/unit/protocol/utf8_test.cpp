#include <doctest.h>

#include "protocol/utf8.h"

using namespace pmemu::protocol;

TEST_CASE("utf8: valid text passes, the first bad sequence is named by its bytes") {
  CHECK(!check_utf8("postgres"));
  CHECK(!check_utf8("r\xc3\xb4le \xe2\x82\xac \xf0\x9f\x98\x80"));
  auto bad = check_utf8("ab\xff\xfe");
  REQUIRE(bad);
  CHECK(bad->sqlstate == "22021");
  CHECK(bad->message == "invalid byte sequence for encoding \"UTF8\": 0xff");
  CHECK(check_utf8("\xc3(")->message == "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28");
  CHECK(check_utf8("\xc0\xaf"));                 // overlong
  CHECK(check_utf8("\xed\xa0\x80"));             // surrogate
  CHECK(check_utf8("\xf4\x90\x80\x80"));         // past U+10FFFF
  CHECK(check_utf8(std::string_view("a\0b", 3)));  // NUL
  CHECK(check_utf8("\xe2\x82"));                 // cut short
}

TEST_CASE("utf8: names are clipped to 63 bytes without splitting a character") {
  CHECK(clip_utf8(std::string(100, 'a')) == std::string(63, 'a'));
  CHECK(clip_utf8("short") == "short");
  std::string euros;
  for (int i = 0; i < 30; ++i) euros += "\xe2\x82\xac";  // 90 bytes, 3 per character
  CHECK(clip_utf8(euros).size() == 63);
  CHECK(clip_utf8(std::string(62, 'a') + "\xc3\xb4") == std::string(62, 'a'));
}
