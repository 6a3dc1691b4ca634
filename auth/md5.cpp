#include "auth/md5.h"

#include "auth/crypto.h"

namespace pmemu::auth {

std::string md5_verifier(std::string_view password, std::string_view user) {
  return "md5" + md5_hex(std::string(password) + std::string(user));
}

bool is_md5_verifier(std::string_view v) {
  if (v.size() != kMd5VerifierLength || v.substr(0, 3) != "md5") return false;
  for (char c : v.substr(3)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool md5_check_response(std::string_view verifier, std::string_view salt, std::string_view response) {
  if (!is_md5_verifier(verifier)) return false;
  std::string expected = "md5" + md5_hex(std::string(verifier.substr(3)) + std::string(salt));
  return equal_secret(expected, response);
}

std::string md5_response(std::string_view password, std::string_view user, std::string_view salt) {
  return "md5" + md5_hex(md5_verifier(password, user).substr(3) + std::string(salt));
}

bool md5_check_plain(std::string_view verifier, std::string_view user, std::string_view password) {
  return is_md5_verifier(verifier) && equal_secret(md5_verifier(password, user), verifier);
}

}  // namespace pmemu::auth
