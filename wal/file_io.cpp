#include "wal/file_io.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <vector>

namespace pmemu::wal {


std::string io_error(const char* what, const std::string& path) {
  return std::string("could not ") + what + " file \"" + path + "\": " + std::strerror(errno);
}

Result<std::size_t> pread_full(int fd, std::span<std::byte> out, std::uint64_t offset, const std::string& path) {
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Result<std::size_t>::failure(io_error("read", path));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Status pwrite_full(int fd, std::span<const std::byte> data, std::uint64_t offset, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::failure(io_error("write to", path));
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::success();
}

Status fsync_path(const std::string& path, IsDirectory is_dir) {
  UniqueFd fd(::open(path.c_str(), (is_dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC));
  if (!fd.valid()) return Status::failure(io_error("open", path));
  if (::fsync(fd.get()) != 0) return Status::failure(io_error("fsync", path));
  return Status::success();
}

Status write_file_atomically(const std::string& dir, const std::string& tmp_name, const std::string& final_name,
                             std::span<const std::byte> prefix, std::uint64_t size) {
  const std::string tmp = dir + "/" + tmp_name;
  const std::string dst = dir + "/" + final_name;
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return Status::failure(io_error("create", tmp));
  auto fail = [&](std::string why) {
    ::unlink(tmp.c_str());
    return Status::failure(std::move(why));
  };
  if (auto s = pwrite_full(fd.get(), prefix, 0, tmp); !s.ok()) return fail(s.error);
  // Real zeros rather than a sparse tail: later writes into this file then
  // change no metadata, so fdatasync on the commit path stays one flush.
  static const std::vector<std::byte> kZeros(1 << 20);
  for (std::uint64_t off = prefix.size(); off < size;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kZeros.size(), size - off));
    if (auto s = pwrite_full(fd.get(), std::span(kZeros).first(n), off, tmp); !s.ok()) return fail(s.error);
    off += n;
  }
  if (::fsync(fd.get()) != 0) return fail(io_error("fsync", tmp));
  fd = UniqueFd{};
  if (::rename(tmp.c_str(), dst.c_str()) != 0) {
    std::string why = "could not rename file \"" + tmp + "\" to \"" + dst + "\": " + std::strerror(errno);
    return fail(why);
  }
  return fsync_path(dir, IsDirectory{true});
}

}  // namespace pmemu::wal
