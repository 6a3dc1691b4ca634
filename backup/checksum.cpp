#include "backup/checksum.h"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>
#include <span>
#include <utility>

#include "common/ascii.h"
#include "wal/crc32c.h"

namespace pmemu::backup {
namespace {

struct KindName {
  ChecksumKind kind;
  std::string_view name;
};
constexpr std::array<KindName, 6> kNames = {{{ChecksumKind::None, "NONE"},
                                             {ChecksumKind::Crc32c, "CRC32C"},
                                             {ChecksumKind::Sha224, "SHA224"},
                                             {ChecksumKind::Sha256, "SHA256"},
                                             {ChecksumKind::Sha384, "SHA384"},
                                             {ChecksumKind::Sha512, "SHA512"}}};

const EVP_MD* digest_of(ChecksumKind kind) {
  switch (kind) {
    case ChecksumKind::Sha224: return EVP_sha224();
    case ChecksumKind::Sha256: return EVP_sha256();
    case ChecksumKind::Sha384: return EVP_sha384();
    case ChecksumKind::Sha512: return EVP_sha512();
    case ChecksumKind::None:
    case ChecksumKind::Crc32c: break;
  }
  return nullptr;
}

[[noreturn]] void openssl_broken() { std::abort(); }

}  // namespace

std::optional<ChecksumKind> parse_checksum_kind(std::string_view name) {
  for (const auto& k : kNames)
    if (ascii_iequals(name, k.name)) return k.kind;
  return std::nullopt;
}

std::string_view checksum_kind_name(ChecksumKind kind) {
  for (const auto& k : kNames)
    if (k.kind == kind) return k.name;
  std::abort();  // every enumerator is in kNames
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

void Checksum::EvpFree::operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }

Checksum::Checksum(ChecksumKind kind) : kind_(kind) {
  if (kind == ChecksumKind::Crc32c) crc_ = wal::kCrc32cInit;
  if (const EVP_MD* md = digest_of(kind)) {
    sha_.reset(EVP_MD_CTX_new());
    if (!sha_ || EVP_DigestInit_ex(sha_.get(), md, nullptr) != 1) openssl_broken();
  }
}

Checksum::~Checksum() = default;
Checksum::Checksum(Checksum&&) noexcept = default;
Checksum& Checksum::operator=(Checksum&&) noexcept = default;

void Checksum::update(std::string_view bytes) {
  if (finished_) std::abort();
  if (kind_ == ChecksumKind::Crc32c) {
    crc_ = wal::crc32c_extend(crc_, std::as_bytes(std::span(bytes.data(), bytes.size())));
  } else if (sha_ && EVP_DigestUpdate(sha_.get(), bytes.data(), bytes.size()) != 1) {
    openssl_broken();
  }
}

std::string Checksum::finish() {
  if (finished_) std::abort();
  finished_ = true;
  if (kind_ == ChecksumKind::Crc32c) {
    const std::uint32_t v = wal::crc32c_finish(crc_);
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
  }
  if (!sha_) return {};
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(sha_.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1) openssl_broken();
  out.resize(len);
  return out;
}

}  // namespace pmemu::backup
