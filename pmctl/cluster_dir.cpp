#include "pmctl/cluster_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace pmemu::pmctl {

std::optional<std::string> check_cluster_dir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return "directory \"" + dir + "\" does not exist";
    return "could not access directory \"" + dir + "\": " + std::strerror(errno);
  }
  if (!S_ISDIR(st.st_mode)) return "directory \"" + dir + "\" is not a database cluster directory";
  const std::string version = dir + "/PG_VERSION";
  if (::stat(version.c_str(), &st) != 0) {
    return "directory \"" + dir + "\" is not a database cluster directory";
  }
  return std::nullopt;
}

std::string absolute_dir(const std::string& dir) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(dir, ec);
  if (ec) return dir;
  std::string s = abs.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace pmemu::pmctl
