#include "pmctl/tar_extract.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <filesystem>
#include <unistd.h>

namespace pmemu::pmctl {

std::string TarExtractor::start_entry(const backup::TarEntry& e) {
  namespace fs = std::filesystem;
  const fs::path path = fs::path(dir_) / e.name;
  std::error_code ec;
  if (e.type == backup::TarEntryType::Directory) {
    fs::create_directories(path, ec);
    if (ec) return "could not create directory \"" + path.string() + "\": " + ec.message();
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace, ec);
    return {};
  }
  fs::create_directories(path.parent_path(), ec);
  file_.open(path, std::ios::binary | std::ios::trunc);
  if (!file_) return "could not create file \"" + path.string() + "\"";
  file_path_ = path.string();
  left_ = e.size;
  padding_ = backup::tar_padding(e.size);
  if (left_ == 0) return close_file();
  return {};
}

std::string TarExtractor::close_file() {
  file_.close();
  if (!file_) return "could not write file \"" + file_path_ + "\"";
  // Durable before we report success, as pg_basebackup syncs its output.
  int fd = ::open(file_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
  ::chmod(file_path_.c_str(), 0600);
  return {};
}

std::string TarExtractor::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    if (ended_) return "data after the end of the tar archive";
    if (left_ > 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, bytes.size()));
      file_.write(bytes.data(), static_cast<std::streamsize>(n));
      left_ -= n;
      bytes.remove_prefix(n);
      if (left_ == 0)
        if (auto err = close_file(); !err.empty()) return err;
      continue;
    }
    if (padding_ > 0) {
      const std::size_t n = std::min(padding_, bytes.size());
      padding_ -= n;
      bytes.remove_prefix(n);
      continue;
    }
    const std::size_t need = backup::kTarBlock - pending_.size();
    const std::size_t n = std::min(need, bytes.size());
    pending_.append(bytes.substr(0, n));
    bytes.remove_prefix(n);
    if (pending_.size() < backup::kTarBlock) continue;
    std::string error;
    auto entry = backup::parse_tar_header(pending_, &error);
    pending_.clear();
    if (!entry) {
      if (!error.empty()) return error;
      // The first all-zero block; the second one is skipped as padding.
      if (!trailer_seen_) padding_ = backup::kTarBlock;
      else ended_ = true;
      trailer_seen_ = true;
      continue;
    }
    if (trailer_seen_) return "tar entry after the end-of-archive marker";
    if (auto err = start_entry(*entry); !err.empty()) return err;
  }
  return {};
}

std::string TarExtractor::finish() const {
  if (left_ > 0 || !pending_.empty()) return "tar archive ended in the middle of a file";
  if (!trailer_seen_) return "tar archive has no end-of-archive marker";
  return {};
}

}  // namespace pmemu::pmctl
