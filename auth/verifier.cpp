#include "auth/verifier.h"

#include "auth/md5.h"
#include "auth/scram.h"

namespace pmemu::auth {

VerifierKind verifier_kind(std::string_view v) {
  if (parse_scram_secret(v)) return VerifierKind::Scram;
  if (is_md5_verifier(v)) return VerifierKind::Md5;
  return VerifierKind::None;
}

std::optional<std::string> encrypt_password(std::string_view password_encryption, std::string_view user,
                                            std::string_view password) {
  if (verifier_kind(password) != VerifierKind::None) return std::string(password);
  if (password_encryption == "md5") return md5_verifier(password, user);
  return scram_verifier(password);
}

bool check_plain_password(std::string_view verifier, std::string_view user, std::string_view password) {
  switch (verifier_kind(verifier)) {
    case VerifierKind::Scram: return scram_check_plain(*parse_scram_secret(verifier), password);
    case VerifierKind::Md5: return md5_check_plain(verifier, user, password);
    case VerifierKind::None: break;
  }
  return false;
}

}  // namespace pmemu::auth
