#include "config/durable_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace pmemu::config {
namespace {

std::string os_error(std::string_view what, const std::filesystem::path& p) {
  return std::string(what) + " \"" + p.string() + "\": " + std::strerror(errno);
}

// Closes on every path out; the caller reads errno before the destructor runs.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { if (fd_ >= 0) ::close(fd_); }
  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] int release() { int f = fd_; fd_ = -1; return f; }

 private:
  int fd_;
};

}  // namespace

std::string write_file_durably(const std::filesystem::path& path, std::string_view contents, int mode) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (fd.get() < 0) return os_error("could not create file", tmp);
    const char* p = contents.data();
    std::size_t left = contents.size();
    while (left > 0) {
      ssize_t n = ::write(fd.get(), p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return os_error("could not write file", tmp);
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) return os_error("could not fsync file", tmp);
    if (::close(fd.release()) != 0) return os_error("could not close file", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return os_error("could not rename file", tmp);
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd.get() < 0 || ::fsync(dfd.get()) != 0) return os_error("could not fsync directory", dir);
  return {};
}

}  // namespace pmemu::config
