// Small file helpers for the control tool. They return errors as strings
// (strerror wording, path included) and never print. Files that must not
// tear are written with config::write_file_durably.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pmemu::pmctl {

struct FileError {
  std::string message;
  int code = 0;  // the errno behind it
};

// Whole file; nullopt + *error on failure (error may be null).
[[nodiscard]] std::optional<std::string> read_whole_file(const std::string& path, FileError* error);

// The last `n` lines of `text` (a trailing newline does not count as a line).
[[nodiscard]] std::vector<std::string> last_lines(const std::string& text, std::size_t n);

}  // namespace pmemu::pmctl
