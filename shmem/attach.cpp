#include "shmem/attach.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/unique_fd.h"
#include "shmem/segment.h"

namespace pmemu::shmem {

std::unique_ptr<AttachedSegment> AttachedSegment::open(std::uint64_t key, std::string* error) {
  const std::string path = "/dev/shm/" + segment_name(key);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) {
    *error = errno == ENOENT ? "no shared memory segment for this data directory (is the server running?)"
                             : "could not open shared memory segment \"" + path + "\": " + std::strerror(errno);
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
      static_cast<std::size_t>(st.st_size) < sizeof(SegmentHeader)) {
    *error = "shared memory segment \"" + path + "\" is not a segment of ours";
    return nullptr;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
  if (base == MAP_FAILED) {
    *error = "could not map shared memory segment \"" + path + "\": " + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<AttachedSegment> seg(new AttachedSegment);
  seg->base_ = base;
  seg->size_ = size;
  const auto& h = seg->header();
  if (h.magic != kSegmentMagic || h.layout_version != kLayoutVersion || h.size != size) {
    *error = "shared memory segment \"" + path + "\" has another layout (a server of another build?)";
    return nullptr;
  }
  return seg;
}

AttachedSegment::~AttachedSegment() {
  if (base_ != nullptr) ::munmap(base_, size_);
}

}  // namespace pmemu::shmem
