// The first bytes of the shared segment.
//
// Ownership: the postmaster writes every field once, before the first fork;
// after that the header is read-only for everyone. Children inherit the
// mapping through fork and never attach by name, so nothing re-validates it
// today; the magic, version and size are there for tools and core dumps to
// recognise a segment, and for any future attach-by-name path to check. `generation` counts crash-restart cycles of one
// postmaster: each cycle throws the segment away and makes a new one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pmemu::shmem {

inline constexpr std::uint64_t kSegmentMagic = 0x504d454d55534547ULL;  // "PMEMUSEG"
inline constexpr std::uint32_t kLayoutVersion = 2;                    // bump on any layout change

// Offsets (from the segment start) of every area; 0 = absent.
struct AreaOffsets {
  std::uint64_t pmsignal;
  std::uint64_t procs;
  std::uint64_t xlog;
  std::uint64_t checkpointer;
  std::uint64_t kv;
  std::uint64_t walsnd;
  std::uint64_t walrcv;
  std::uint64_t recovery;
  std::uint64_t syncrep;
  std::uint64_t imessage;
  std::uint64_t imessage_size;
  std::uint64_t faults;  // faults/registry.h: pmctl attaches to arm points
};

struct SegmentHeader {
  std::uint64_t magic;
  std::uint32_t layout_version;
  std::uint32_t reserved;
  std::uint64_t size;        // bytes mapped, header included
  std::uint64_t generation;  // crash-restart cycle number, 1 for the first
  std::int64_t postmaster_pid;
  AreaOffsets areas;
};

}  // namespace pmemu::shmem
