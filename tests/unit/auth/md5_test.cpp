#include <doctest.h>

#include "auth/md5.h"

using namespace pmemu::auth;

// Known values: md5("secretalice") and PostgreSQL's md5 challenge response.
TEST_CASE("md5: verifier and challenge response") {
  const std::string v = md5_verifier("secret", "alice");
  CHECK(v == "md5" "4a0a68b43b6cd5cf266fa02f196e2371");
  CHECK(is_md5_verifier(v));
  CHECK_FALSE(is_md5_verifier("md5XYZ"));
  const std::string salt("\x01\x02\x03\x04", 4);
  const std::string answer = md5_response("secret", "alice", salt);
  CHECK(answer == "md5" "98a0412b9c31436fc53776e863350083");
  CHECK(md5_check_response(v, salt, answer));
  CHECK_FALSE(md5_check_response(v, std::string("\x01\x02\x03\x05", 4), answer));
  CHECK_FALSE(md5_check_response(v, salt, md5_response("secreT", "alice", salt)));
  CHECK(md5_check_plain(v, "alice", "secret"));
  CHECK_FALSE(md5_check_plain(v, "bob", "secret"));
}
