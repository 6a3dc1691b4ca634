// Small POSIX helpers shared by the WAL writer, reader and pg_control: whole
// reads and writes that retry on EINTR and short transfers, and the
// write-temp-fsync-rename dance for files that must never be seen half
// written. Every fd is opened O_CLOEXEC so an exec'd helper never inherits it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/strong_id.h"
#include "common/unique_fd.h"
#include "wal/result.h"

namespace pmemu::wal {

using UniqueFd = pmemu::UniqueFd;

// "could not <what> file \"<path>\": <strerror(errno)>", PostgreSQL's wording.
[[nodiscard]] std::string io_error(const char* what, const std::string& path);

// Reads up to out.size() bytes at `offset`; returns how many (short only at
// end of file) or an error.
[[nodiscard]] Result<std::size_t> pread_full(int fd, std::span<std::byte> out, std::uint64_t offset,
                                             const std::string& path);
[[nodiscard]] Status pwrite_full(int fd, std::span<const std::byte> data, std::uint64_t offset,
                                 const std::string& path);
using IsDirectory = TaggedBool<struct IsDirectoryTag>;
[[nodiscard]] Status fsync_path(const std::string& path, IsDirectory is_dir);

// Creates `dir/final_name` holding `size` bytes: `prefix` followed by zeros,
// written to `dir/tmp_name`, fsynced, renamed over final_name, directory
// fsynced. A crash leaves either the old file or the whole new one.
[[nodiscard]] Status write_file_atomically(const std::string& dir, const std::string& tmp_name,
                                           const std::string& final_name, std::span<const std::byte> prefix,
                                           std::uint64_t size);

}  // namespace pmemu::wal
