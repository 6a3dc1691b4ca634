// Tools (pmctl) attach to a running cluster's segment by its data directory
// key to read and write the areas made for them (the fault-point registry).
// The mapping is read-write and takes no flock: a tool must not count as a
// process of the server in the start-up interlock (shmem/segment.h), and it
// holds the mapping only for the length of one command. A segment that is
// not ours, or whose header does not match this build's layout, is refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "shmem/segment_header.h"

namespace pmemu::shmem {

class AttachedSegment {
 public:
  // nullptr with `error` set when there is no segment or it is unusable.
  static std::unique_ptr<AttachedSegment> open(std::uint64_t key, std::string* error);
  ~AttachedSegment();
  AttachedSegment(const AttachedSegment&) = delete;
  AttachedSegment& operator=(const AttachedSegment&) = delete;

  [[nodiscard]] const SegmentHeader& header() const { return *static_cast<const SegmentHeader*>(base_); }
  // The area at `offset` (from the header), or nullptr if absent.
  [[nodiscard]] void* area(std::uint64_t offset) const {
    return offset == 0 ? nullptr : static_cast<char*>(base_) + offset;
  }

 private:
  AttachedSegment() = default;
  void* base_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace pmemu::shmem
