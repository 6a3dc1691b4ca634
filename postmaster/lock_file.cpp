#include "postmaster/lock_file.h"

#include "common/proc_alive.h"

#include <cerrno>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace pmemu::postmaster {
namespace {

std::string path_of(const std::string& dir) { return dir + "/postmaster.pid"; }

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string l;
  while (std::getline(in, l)) lines.push_back(l);
  return lines;
}

// Rewrites the file through a temporary and rename, so a reader (pmctl, a
// test) never sees a half-written file.
void write_lines(const std::string& dir, const std::vector<std::string>& lines) {
  std::string tmp = path_of(dir) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (auto& l : lines) out << l << '\n';
  }
  ::rename(tmp.c_str(), path_of(dir).c_str());
}

void replace_line(const std::string& dir, std::size_t line_no, const std::string& text) {
  auto lines = read_lines(path_of(dir));
  if (lines.size() < line_no) lines.resize(line_no);
  lines[line_no - 1] = text;
  write_lines(dir, lines);
}

}  // namespace

bool create_lock_file(const std::string& data_dir, std::string* error, std::string* hint) {
  const std::string path = path_of(data_dir);
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      std::string pid = std::to_string(::getpid()) + "\n";
      ssize_t ignored = ::write(fd, pid.data(), pid.size());
      (void)ignored;
      ::close(fd);
      return true;
    }
    if (errno != EEXIST) {
      *error = "could not create lock file \"" + path + "\": " + std::strerror(errno);
      return false;
    }
    auto lines = read_lines(path);
    int other = lines.empty() ? 0 : std::atoi(lines[0].c_str());
    if (other != 0 && other != ::getpid() && other != ::getppid() && process_alive(Pid{other})) {
      *error = "lock file \"postmaster.pid\" already exists";
      *hint = "Is another postmaster (PID " + std::to_string(other) + ") running in data directory \"" +
              data_dir + "\"?";
      return false;
    }
    // Stale: its postmaster is gone. Whether processes of it are still
    // attached to its shared memory is checked on the segment itself.
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      *error = "could not remove old lock file \"" + path + "\": " + std::strerror(errno);
      return false;
    }
  }
  *error = "could not create lock file \"" + path + "\": too many attempts";
  return false;
}

bool write_lock_file(const LockFileInfo& i, std::string* error) {
  char shm[64];
  std::snprintf(shm, sizeof shm, "%9" PRIu64 " %9" PRIu64, i.shm_key, i.shm_generation);
  std::vector<std::string> lines = {std::to_string(::getpid()), i.data_dir, std::to_string(i.start_time),
                                    std::to_string(i.port), i.socket_dir, i.listen_address, shm, "starting"};
  write_lines(i.data_dir, lines);
  if (read_lines(path_of(i.data_dir)).size() != lines.size()) {
    *error = "could not write lock file \"" + path_of(i.data_dir) + "\"";
    return false;
  }
  return true;
}

void update_lock_file_status(const std::string& data_dir, const std::string& status) {
  replace_line(data_dir, 8, status);
}

void update_lock_file_shmem(const std::string& data_dir, std::uint64_t key, std::uint64_t generation) {
  char shm[64];
  std::snprintf(shm, sizeof shm, "%9" PRIu64 " %9" PRIu64, key, generation);
  replace_line(data_dir, 7, shm);
}

void remove_lock_file(const std::string& data_dir) { ::unlink(path_of(data_dir).c_str()); }

}  // namespace pmemu::postmaster
