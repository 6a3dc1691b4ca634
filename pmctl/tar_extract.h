// Unpacks a tar stream into a directory as it arrives, chunk by chunk, so a
// base backup never needs to fit in memory.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "backup/tar_format.h"

namespace pmemu::pmctl {

class TarExtractor {
 public:
  explicit TarExtractor(std::string dir) : dir_(std::move(dir)) {}
  // "" or the error; bytes after the end-of-archive blocks are an error.
  [[nodiscard]] std::string feed(std::string_view bytes);
  // "" if the archive ended properly.
  [[nodiscard]] std::string finish() const;

 private:
  [[nodiscard]] std::string start_entry(const backup::TarEntry& e);
  [[nodiscard]] std::string close_file();

  std::string dir_;
  std::string pending_;  // header bytes not yet complete
  std::ofstream file_;
  std::string file_path_;
  std::uint64_t left_ = 0;     // content bytes still to come
  std::size_t padding_ = 0;    // padding bytes still to skip
  bool ended_ = false;
  bool trailer_seen_ = false;  // the first all-zero block has come
};

}  // namespace pmemu::pmctl
