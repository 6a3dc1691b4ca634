// The backup manifest of BASE_BACKUP (MANIFEST 'yes' | 'force-encode'):
// PostgreSQL 15's JSON document, version 1, byte for byte in its layout, so
// that pg_basebackup stores it and pg_verifybackup checks it. See
// docs/base-backup.md, "Backup manifest".
//
// build_manifest() is pure: the caller gathers each file's size, mtime and
// checksum while it streams the archive, and the WAL range, then asks for
// the document once at the end.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backup/checksum.h"
#include "wal/lsn.h"

namespace pmemu::backup {

struct ManifestFile {
  std::string path;          // relative to the data directory, '/'-separated
  std::uint64_t size = 0;    // bytes in the archive
  std::int64_t mtime = 0;    // Unix seconds; informational only
  std::string checksum;      // digest bytes (Checksum::finish()); unused with None
};

struct WalRange {
  TimeLineId tli;
  Lsn start;
  Lsn end;
};

struct ManifestContent {
  ChecksumKind checksum = ChecksumKind::Crc32c;
  bool force_encode = false;        // MANIFEST 'force-encode': every path as Encoded-Path
  std::vector<ManifestFile> files;  // in archive order
  std::vector<WalRange> wal_ranges; // newest timeline first, as PostgreSQL lists them
};

// The whole document, ending in "\"Manifest-Checksum\": \"<sha256>\"}\n".
[[nodiscard]] std::string build_manifest(const ManifestContent& content);

// The pieces, for tests.
// A JSON string literal: quotes, backslash, \b \f \n \r \t and \u00XX for
// other control bytes escaped; every other byte (UTF-8 included) as is.
[[nodiscard]] std::string json_string(std::string_view s);
// Well-formed UTF-8 (no overlongs, surrogates, NULs or code points past
// U+10FFFF): a path that is not goes into the manifest hex-encoded.
[[nodiscard]] bool valid_utf8(std::string_view s);
// "2020-04-02 15:00:11 GMT"
[[nodiscard]] std::string gmt_timestamp(std::int64_t unix_seconds);

}  // namespace pmemu::backup
