// Sizing and initialising the shared segment (PostgreSQL's ipci.c): each
// mechanism reports its size and initialises its own area; this file only
// adds the sizes (with overflow checks), lays the areas out at 64-byte
// aligned offsets and records them in the segment header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ipc/process_env.h"
#include "shmem/segment.h"

namespace pmemu::postmaster {

struct ShmemParams {
  std::uint32_t num_child_slots;
  std::uint64_t kv_table_bytes;
  std::uint64_t imessage_bytes;
  std::uint32_t max_wal_senders;
  std::uint64_t system_identifier;
  std::uint32_t wal_segment_size;
};

// Child slots: every kind of child that may exist at once, with room for as
// many connections again as are allowed, so that the ones beyond the limit
// still get a slot and can be told "sorry, too many clients already".
std::uint32_t child_slot_count(const config::Settings& s);

// Creates the segment for `key`, initialises every area and points `areas`
// at them. nullptr with `error` set on failure.
std::unique_ptr<shmem::Segment> create_shared_memory(std::uint64_t key, const ShmemParams& p,
                                                     std::uint64_t generation, ipc::SharedAreas* areas,
                                                     std::string* error);

}  // namespace pmemu::postmaster
