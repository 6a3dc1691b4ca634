// postmaster.pid: the data directory's lock file, in PostgreSQL's layout
// (line 1 pid, 2 data dir, 3 start time, 4 port, 5 socket dir, 6 listen
// address, 7 "%9lu %9lu" shared-memory key and generation, 8 status padded to
// 8 characters). See docs/data-directory.md.
//
// The interlock has two halves, as in PostgreSQL: the pid in this file (is
// another postmaster alive?) and the shared segment's flock (is any process
// of a dead postmaster still attached? see shmem/segment.h).
#pragma once

#include <cstdint>
#include <string>

namespace pmemu::postmaster {

struct LockFileInfo {
  std::string data_dir;
  long start_time = 0;
  int port = 0;
  std::string socket_dir;
  std::string listen_address;
  std::uint64_t shm_key = 0;
  std::uint64_t shm_generation = 0;
};

// Creates DATA_DIR/postmaster.pid exclusively, taking over a stale one whose
// postmaster is gone. On refusal returns false with PostgreSQL's message and
// hint.
[[nodiscard]] bool create_lock_file(const std::string& data_dir, std::string* error, std::string* hint);
// Writes the full contents (status "starting").
[[nodiscard]] bool write_lock_file(const LockFileInfo& info, std::string* error);
// Replaces line 8 (status) and line 7 (shared memory), keeping the rest.
void update_lock_file_status(const std::string& data_dir, const std::string& status);
void update_lock_file_shmem(const std::string& data_dir, std::uint64_t key, std::uint64_t generation);
void remove_lock_file(const std::string& data_dir);

}  // namespace pmemu::postmaster
