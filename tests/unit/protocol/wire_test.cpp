#include <doctest.h>

#include "protocol/wire.h"

using namespace pmemu::protocol;

TEST_CASE("integers are written big-endian and read back") {
  Buffer b;
  put_int8(b, 0xab);
  put_int16(b, -2);
  put_int32(b, 0x01020304);
  put_int64(b, -1);
  put_uint32(b, 0xfffffffe);
  CHECK(b.size() == 1 + 2 + 4 + 8 + 4);
  CHECK(b.substr(3, 4) == std::string("\x01\x02\x03\x04", 4));
  WireReader r(b);
  CHECK(r.int8() == 0xab);
  CHECK(r.int16() == -2);
  CHECK(r.int32() == 0x01020304);
  CHECK(r.int64() == -1);
  CHECK(r.uint32() == 0xfffffffeu);
  CHECK(r.at_end());
  CHECK_FALSE(r.failed());
}

TEST_CASE("reading past the end fails without consuming, and stays failed") {
  Buffer b("\x00\x01\x02", 3);
  WireReader r(b);
  CHECK_FALSE(r.int32().has_value());
  CHECK(r.failed());
  CHECK(r.remaining() == 3);
  CHECK_FALSE(r.int8().has_value());  // sticky
}

TEST_CASE("C strings need their terminator") {
  Buffer b;
  put_cstring(b, "user");
  put_cstring(b, "");
  WireReader r(b);
  CHECK(r.cstring() == "user");
  CHECK(r.cstring() == "");
  CHECK(r.at_end());
  WireReader bad(std::string_view("abc"));
  CHECK_FALSE(bad.cstring().has_value());
  CHECK(bad.failed());
}

TEST_CASE("bytes and rest") {
  WireReader r(std::string_view("abcdef"));
  CHECK(r.bytes(2) == "ab");
  CHECK_FALSE(r.bytes(5).has_value());
  CHECK(r.failed());
  WireReader r2(std::string_view("abcdef"));
  CHECK(r2.bytes(2) == "ab");
  CHECK(r2.rest() == "cdef");
  CHECK(r2.at_end());
}

TEST_CASE("MessageWriter patches the length, which counts itself but not the type") {
  Buffer b = "x";
  MessageWriter m(b, 'Q');
  put_cstring(b, "SELECT 1");
  m.finish();
  REQUIRE(b.size() == 1 + 1 + 4 + 9);
  CHECK(b[1] == 'Q');
  WireReader r(std::string_view(b).substr(2));
  CHECK(r.int32() == 4 + 9);
  CHECK(r.cstring() == "SELECT 1");
}
