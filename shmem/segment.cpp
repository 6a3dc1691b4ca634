#include "shmem/segment.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/unique_fd.h"
#include "shmem/segment_header.h"

namespace pmemu::shmem {

std::string segment_name(std::uint64_t key) { return "pmemu." + std::to_string(key); }

std::uint64_t data_dir_key(const std::string& data_dir, std::string* error) {
  struct stat st {};
  if (::stat(data_dir.c_str(), &st) != 0) {
    *error = "could not stat data directory \"" + data_dir + "\": " + std::strerror(errno);
    return 0;
  }
  return static_cast<std::uint64_t>(st.st_ino);
}

namespace {

std::string shm_path(std::uint64_t key) { return "/dev/shm/" + segment_name(key); }

std::string os_error(const std::string& what, const std::string& path, int err) {
  return what + " \"" + path + "\": " + std::strerror(err);
}

// Whether the open object is one this user may treat as its own: a regular
// file owned by our effective uid. Anything else was made by someone else
// (another user could pre-create the predictable name to read our rows, or
// to feed us a segment of their making), so it is never used nor removed.
std::string foreign_reason(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return os_error("could not stat", path, errno);
  if (!S_ISREG(st.st_mode)) return "shared memory segment \"" + path + "\" is not a regular file";
  if (st.st_uid != ::geteuid())
    return "shared memory segment \"" + path + "\" is owned by another user (uid " + std::to_string(st.st_uid) + ")";
  return {};
}

}  // namespace

LeftoverCheck check_leftover_segment(std::uint64_t key) {
  const std::string path = shm_path(key);
  // O_NOFOLLOW: a symbolic link planted under our name is never followed.
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT) return {LeftoverState::None, {}};
    if (err == ELOOP) return {LeftoverState::Error, "shared memory segment \"" + path + "\" is a symbolic link"};
    return {LeftoverState::Error, os_error("could not open shared memory segment", path, err)};
  }
  if (auto why = foreign_reason(fd.get(), path); !why.empty()) return {LeftoverState::Error, why};
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if (err == EWOULDBLOCK) return {LeftoverState::InUse, {}};
    return {LeftoverState::Error, os_error("could not lock shared memory segment", path, err)};
  }
  if (::shm_unlink(("/" + segment_name(key)).c_str()) != 0 && errno != ENOENT)
    return {LeftoverState::Error, os_error("could not remove shared memory segment", path, errno)};
  return {LeftoverState::RemovedStale, {}};
}

struct Segment::Impl {
  UniqueFd fd;  // holds the shared flock; forks inherit it
  void* base = MAP_FAILED;
  std::size_t size = 0;
  ~Impl() {
    if (base != MAP_FAILED) ::munmap(base, size);
  }
};

std::unique_ptr<Segment> Segment::create(std::uint64_t key, std::size_t size, std::string* error) {
  std::unique_ptr<Segment> seg(new Segment());
  seg->impl_ = std::make_unique<Impl>();
  const std::string name = "/" + segment_name(key);
  const std::string path = shm_path(key);
  const std::string what = "could not create shared memory segment \"" + path + "\" of " + std::to_string(size) + " bytes";
  // 0600 and O_EXCL: only this user can read the rows, query texts and
  // cancel keys in it, and a name someone else made is never taken over.
  seg->impl_->fd = UniqueFd(::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600));
  if (!seg->impl_->fd.valid()) {
    *error = what + ": " + std::strerror(errno);
    return nullptr;
  }
  const int fd = seg->impl_->fd.get();
  if (::fchmod(fd, 0600) != 0 || ::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    *error = what + ": " + std::strerror(errno);
    ::shm_unlink(name.c_str());
    return nullptr;
  }
  void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    *error = what + ": could not map it: " + std::strerror(errno);
    ::shm_unlink(name.c_str());
    return nullptr;
  }
  seg->impl_->base = base;
  seg->impl_->size = size;
  if (::flock(fd, LOCK_SH) != 0) {
    *error = "could not lock shared memory segment: " + std::string(std::strerror(errno));
    ::shm_unlink(name.c_str());
    return nullptr;
  }
  seg->base_ = base;
  seg->size_ = size;
  seg->key_ = key;
  return seg;
}

void Segment::remove() {
  if (removed_) return;
  ::shm_unlink(("/" + segment_name(key_)).c_str());
  removed_ = true;
}

Segment::~Segment() = default;

}  // namespace pmemu::shmem
