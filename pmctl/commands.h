// The subcommands of pmctl (SPEC section 1), one file each (cmd_*.cpp). Each
// run_* returns the process exit status and does its own printing; main.cpp
// only parses the command line into these structs.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/strong_id.h"
#include "config/roles.h"
#include "pmctl/wal_segsize.h"

namespace pmemu::pmctl {

inline constexpr std::chrono::seconds kDefaultWaitTimeout{60};

struct InitOptions {
  std::string data_dir;
  std::string auth = "trust";
  std::string superuser;  // empty: the OS user running pmctl
  std::string pwfile;
  std::int64_t wal_segsize_mb = kDefaultWalSegSizeMb;
  std::vector<std::string> settings;  // "name=value"
};

struct StartOptions {
  std::string data_dir;
  std::string log_file;
  std::optional<std::string> postmaster_options;  // -o
  bool wait = true;
  std::chrono::seconds timeout = kDefaultWaitTimeout;
};

enum class ShutdownMode { Smart, Fast, Immediate };

struct StopOptions {
  std::string data_dir;
  ShutdownMode mode = ShutdownMode::Fast;
  bool wait = true;
  std::chrono::seconds timeout = kDefaultWaitTimeout;
};

struct RestartOptions {
  std::string data_dir;
  ShutdownMode mode = ShutdownMode::Fast;
  std::string log_file;
  std::optional<std::string> postmaster_options;
  bool wait = true;
  std::chrono::seconds timeout = kDefaultWaitTimeout;
};

struct PromoteOptions {
  std::string data_dir;
  bool wait = true;
  std::chrono::seconds timeout = kDefaultWaitTimeout;
};

struct WaldumpOptions {
  std::string data_dir;
  std::string start;  // "X/X" or empty
  std::string end;
  std::optional<std::uint32_t> timeline;
};

struct BasebackupOptions {
  std::string data_dir;
  std::string conninfo;
  bool progress = false;
  bool write_recovery_conf = false;
};

struct RoleOptions {
  std::string data_dir;
  std::string action;  // "create", "alter" or "drop"
  std::string name;
  config::RoleAttributes attributes;  // from --[no]login, --[no]replication, --[no]superuser
  std::string password_file;          // empty: password unchanged
};

[[nodiscard]] int run_init(const InitOptions& opts);
[[nodiscard]] int run_role(const RoleOptions& opts);
[[nodiscard]] int run_start(const StartOptions& opts);
[[nodiscard]] int run_stop(const StopOptions& opts);
[[nodiscard]] int run_restart(const RestartOptions& opts);
[[nodiscard]] int run_status(const std::string& data_dir);
[[nodiscard]] int run_reload(const std::string& data_dir);
[[nodiscard]] int run_promote(const PromoteOptions& opts);
[[nodiscard]] int run_controldata(const std::string& data_dir);
[[nodiscard]] int run_waldump(const WaldumpOptions& opts);
[[nodiscard]] int run_basebackup(const BasebackupOptions& opts);

// Shared by start and restart: launch the postmaster with `args` (which
// include -D), record them in postmaster.opts, and wait if asked.
struct LaunchRequest {
  std::string data_dir;  // absolute
  std::vector<std::string> args;
  std::string log_file;
  bool wait = true;
  std::chrono::seconds timeout = kDefaultWaitTimeout;
};
[[nodiscard]] int start_postmaster(const LaunchRequest& req);

// Shared by stop and restart: after the signal has been sent, wait for the
// server to go (pid file gone, or the process gone or a zombie). Prints
// pg_ctl's progress dots; true once stopped, false on timeout.
[[nodiscard]] bool wait_for_stop(const std::string& data_dir, Pid pid, std::chrono::seconds timeout);

[[nodiscard]] int shutdown_signal(ShutdownMode mode);

}  // namespace pmemu::pmctl
