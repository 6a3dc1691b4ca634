// Per-file checksums of a backup manifest: PostgreSQL 15's
// MANIFEST_CHECKSUMS algorithms, with the digest bytes PostgreSQL writes.
// See docs/base-backup.md, "Backup manifest".
//
// CRC32C is wal/crc32c's Castagnoli CRC; its four digest bytes are the
// 32-bit value in little-endian order (PostgreSQL copies the integer as it
// lies in memory, so that is what its x86 and ARM builds write and what
// pg_verifybackup compares). The SHA-2 digests come from OpenSSL libcrypto.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace pmemu::backup {

// Do not renumber: options are parsed into these and tests name them.
enum class ChecksumKind : std::uint8_t { None = 0, Crc32c = 1, Sha224 = 2, Sha256 = 3, Sha384 = 4, Sha512 = 5 };

// "none", "crc32c", "sha224", ... in any case, as pg_checksum_parse_type.
[[nodiscard]] std::optional<ChecksumKind> parse_checksum_kind(std::string_view name);
// "NONE", "CRC32C", "SHA224", ...: the manifest's Checksum-Algorithm value.
[[nodiscard]] std::string_view checksum_kind_name(ChecksumKind kind);

// Lower-case hex, two digits per byte, as the manifest writes every digest.
[[nodiscard]] std::string hex_encode(std::string_view bytes);

// An incremental checksum: feed the file's bytes in order, then finish once.
// A broken OpenSSL (no SHA-2 in the default provider) is a broken invariant
// and aborts.
class Checksum {
 public:
  explicit Checksum(ChecksumKind kind);
  ~Checksum();
  Checksum(Checksum&&) noexcept;
  Checksum& operator=(Checksum&&) noexcept;
  Checksum(const Checksum&) = delete;
  Checksum& operator=(const Checksum&) = delete;

  void update(std::string_view bytes);
  // The digest bytes (empty for None). Call once; update() after it aborts.
  [[nodiscard]] std::string finish();
  [[nodiscard]] std::string finish_hex() { return hex_encode(finish()); }
  [[nodiscard]] ChecksumKind kind() const { return kind_; }

 private:
  struct EvpFree {
    void operator()(EVP_MD_CTX* ctx) const;
  };
  ChecksumKind kind_;
  std::uint32_t crc_ = 0;
  std::unique_ptr<EVP_MD_CTX, EvpFree> sha_;
  bool finished_ = false;
};

}  // namespace pmemu::backup
