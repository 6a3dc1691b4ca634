#include "shmem/segment.h"

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmem/segment_header.h"

namespace bip = boost::interprocess;

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

LeftoverCheck check_leftover_segment(std::uint64_t key) {
  const std::string path = "/dev/shm/" + segment_name(key);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {LeftoverState::None, {}};
    return {LeftoverState::Error, "could not open \"" + path + "\": " + std::strerror(errno)};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd);
    if (e == EWOULDBLOCK) return {LeftoverState::InUse, {}};
    return {LeftoverState::Error, "could not lock \"" + path + "\": " + std::strerror(e)};
  }
  bip::shared_memory_object::remove(segment_name(key).c_str());
  ::close(fd);
  return {LeftoverState::RemovedStale, {}};
}

struct Segment::Impl {
  bip::shared_memory_object object;
  bip::mapped_region region;
};

std::unique_ptr<Segment> Segment::create(std::uint64_t key, std::size_t size, std::string* error) {
  std::unique_ptr<Segment> seg(new Segment());
  seg->impl_ = std::make_unique<Impl>();
  const std::string name = segment_name(key);
  try {
    seg->impl_->object = bip::shared_memory_object(bip::create_only, name.c_str(), bip::read_write);
    seg->impl_->object.truncate(static_cast<bip::offset_t>(size));
    seg->impl_->region = bip::mapped_region(seg->impl_->object, bip::read_write);
  } catch (const bip::interprocess_exception& e) {
    *error = "could not create shared memory segment \"/dev/shm/" + name + "\" of " +
             std::to_string(size) + " bytes: " + e.what();
    bip::shared_memory_object::remove(name.c_str());
    return nullptr;
  }
  int fd = seg->impl_->object.get_mapping_handle().handle;
  if (::flock(fd, LOCK_SH) != 0) {
    *error = "could not lock shared memory segment: " + std::string(std::strerror(errno));
    bip::shared_memory_object::remove(name.c_str());
    return nullptr;
  }
  seg->base_ = seg->impl_->region.get_address();
  seg->size_ = size;
  seg->key_ = key;
  return seg;
}

void Segment::remove() {
  if (removed_) return;
  bip::shared_memory_object::remove(segment_name(key_).c_str());
  removed_ = true;
}

Segment::~Segment() = default;

}  // namespace pmemu::shmem
