// The ustar archive format of BASE_BACKUP streams (and of pg_basebackup's
// tar files): 512-byte header blocks, contents padded to 512 bytes, two zero
// blocks at the end. Only what a data directory needs: regular files and
// directories with names under 100 bytes. See docs/base-backup.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pmemu::backup {

inline constexpr std::size_t kTarBlock = 512;

enum class TarEntryType : char { File = '0', Directory = '5' };

struct TarEntry {
  std::string name;  // relative path; directories end without '/'
  TarEntryType type = TarEntryType::File;
  std::uint64_t size = 0;
  std::uint32_t mode = 0600;
  std::int64_t mtime = 0;
};

// The 512-byte header of `e`; nullopt if the name does not fit.
[[nodiscard]] std::optional<std::string> pack_tar_header(const TarEntry& e);
// Zero bytes that pad `size` bytes of contents to a block boundary.
[[nodiscard]] std::size_t tar_padding(std::uint64_t size);
// Parses a header block. nullopt for an all-zero block (end of archive) or
// for a bad one; `error` says which.
[[nodiscard]] std::optional<TarEntry> parse_tar_header(std::string_view block, std::string* error);

}  // namespace pmemu::backup
