// Reading `postmaster.pid`, the postmaster's lock file (SPEC section 2):
//   1 pid, 2 data dir, 3 start time (epoch s), 4 port, 5 socket dir,
//   6 listen address, 7 shared-memory key, 8 status ("starting", "stopping",
//   "ready   ", "standby ", padded to 8 characters).
// The postmaster writes it in stages (lines 1-7 first, status later), so a
// file with fewer lines is valid: absent fields stay empty. Only line 1 must
// be a number. A negative pid would be a standalone backend in PostgreSQL; we
// have none, so it is invalid data here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/strong_id.h"

namespace pmemu::pmctl {

struct PidFileInfo {
  Pid pid;
  std::string data_dir;
  std::optional<std::int64_t> start_time;
  std::optional<int> port;
  std::string socket_dir;
  std::string listen_address;
  std::string shmem_key;
  std::string status;  // exactly as written, padding kept; empty if absent
};

struct PidFileError {
  enum class Kind { Missing, Empty, Invalid, Unreadable };
  Kind kind;
  std::string message;  // pg_ctl's wording, without the "pmctl: error: " prefix
};

// The exact padded strings pg_ctl compares against line 8.
inline constexpr std::string_view kPmStatusStarting = "starting";
inline constexpr std::string_view kPmStatusStopping = "stopping";
inline constexpr std::string_view kPmStatusReady = "ready   ";
inline constexpr std::string_view kPmStatusStandby = "standby ";

// `path` is only used in messages.
[[nodiscard]] std::variant<PidFileInfo, PidFileError> parse_pid_file(std::string_view text,
                                                                     std::string_view path);

// Reads and parses `<data_dir>/postmaster.pid`.
[[nodiscard]] std::variant<PidFileInfo, PidFileError> read_pid_file(const std::string& data_dir);

[[nodiscard]] std::string pid_file_path(const std::string& data_dir);

// Line 8 says the server accepts connections (or is a standby that reached
// consistency): what `start -w` waits for.
[[nodiscard]] bool status_is_up(std::string_view status);

}  // namespace pmemu::pmctl
