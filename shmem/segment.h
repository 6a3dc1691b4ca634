// The one shared-memory segment, owned by the postmaster, inherited by forks.
//
// It is a POSIX shared-memory object (/dev/shm/pmemu.<key>, mode 0600) whose key is the data directory's inode number, as
// PostgreSQL keys its SysV segment. PostgreSQL refuses to start while any
// process of a dead postmaster is still attached (shm_nattch > 0). POSIX shared
// memory has no attach count, so the interlock is a shared flock() on the
// object's file descriptor: the postmaster takes it right after creating the
// object, and every fork inherits the open file description and with it the
// lock. A new postmaster that can take an exclusive flock knows that no process
// of the old one is left (a zombie holds no descriptors, so zombies do not
// count, which is what we want on machines where PID 1 reaps slowly).
//
// The name is predictable, so another local user could create it first. A
// pre-existing object is removed only if it is a regular file of our uid
// that no process holds; anything else stops start-up with an error naming
// it, and the segment is always created with O_EXCL, never opened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace pmemu::shmem {

enum class LeftoverState { None, RemovedStale, InUse, Error };

struct LeftoverCheck {
  LeftoverState state;
  std::string detail;  // error text for Error
};

// The object's name (without the leading slash) for a data directory key.
std::string segment_name(std::uint64_t key);
// The key of a data directory: its inode number. 0 with an error on failure.
std::uint64_t data_dir_key(const std::string& data_dir, std::string* error);

// Looks for a segment of an earlier postmaster under `key`: removes it if no
// process holds it, reports InUse if one does, Error (with the reason) if it
// is not ours: owned by another uid, not a regular file, a symbolic link.
[[nodiscard]] LeftoverCheck check_leftover_segment(std::uint64_t key);

class Segment {
 public:
  // Creates and maps a zero-filled segment of `size` bytes, replacing nothing:
  // fails if the name exists. Postmaster only.
  static std::unique_ptr<Segment> create(std::uint64_t key, std::size_t size, std::string* error);
  ~Segment();  // unmaps; the postmaster calls remove() first when it is done
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;

  // Unlinks the name from /dev/shm (the mapping stays valid until unmapped).
  void remove();
  // For a forked child that must not keep the interlock: never needed today,
  // children keep it on purpose until they exit.
  [[nodiscard]] void* base() const { return base_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::uint64_t key() const { return key_; }

 private:
  Segment() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  void* base_ = nullptr;
  std::size_t size_ = 0;
  std::uint64_t key_ = 0;
  bool removed_ = false;
};

}  // namespace pmemu::shmem
