#include "wal/wal_dir.h"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "wal/file_io.h"

namespace pmemu::wal {
namespace {

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// The names of the regular files in `dir`, or why it could not be read.
Result<std::vector<std::string>> regular_files(const std::string& dir) {
  std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
  if (!d) return Result<std::vector<std::string>>::failure("could not open directory \"" + dir + "\": " + std::strerror(errno));
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d.get())) {
    struct stat st{};
    const std::string name = e->d_name;
    if (::fstatat(::dirfd(d.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
      names.push_back(name);
  }
  return names;
}

}  // namespace

Result<int> remove_temp_files(const std::string& pg_wal_dir) {
  auto names = regular_files(pg_wal_dir);
  if (!names.ok()) return Result<int>::failure(names.error());
  int removed = 0;
  for (const auto& n : names.value()) {
    if (n.rfind("xlogtemp.", 0) != 0) continue;
    const std::string path = pg_wal_dir + "/" + n;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Result<int>::failure(io_error("remove", path));
    ++removed;
  }
  return removed;
}

Status sync_wal_files(const std::string& pg_wal_dir) {
  auto names = regular_files(pg_wal_dir);
  if (!names.ok()) return Status::failure(names.error());
  for (const auto& n : names.value())
    if (auto st = fsync_path(pg_wal_dir + "/" + n, IsDirectory{false}); !st.ok()) return st;
  return fsync_path(pg_wal_dir, IsDirectory{true});
}

}  // namespace pmemu::wal
