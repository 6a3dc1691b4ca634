// Replacing a small file so that a crash leaves either the old or the new
// contents, never a torn mix: write "<path>.tmp", fsync it, rename it over
// `path`, fsync the directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace pmemu::config {

// Empty on success, else "could not write file "...": reason".
[[nodiscard]] std::string write_file_durably(const std::filesystem::path& path, std::string_view contents,
                                             int mode = 0600);

}  // namespace pmemu::config
