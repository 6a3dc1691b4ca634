// `pmctl status`: pg_ctl's exit codes follow the LSB init-script convention:
// 0 running, 3 not running, 4 status unknown (no usable data directory).
#include <cstdio>
#include <variant>

#include "pmctl/cluster_dir.h"
#include "pmctl/commands.h"
#include "pmctl/file_util.h"
#include "pmctl/pidfile_read.h"
#include "pmctl/postmaster_opts.h"
#include "common/proc_alive.h"
#include "pmctl/report.h"

namespace pmemu::pmctl {

namespace {
constexpr int kExitNotRunning = 3;
constexpr int kExitNoDataDir = 4;
}  // namespace

int run_status(const std::string& data_dir) {
  if (auto err = check_cluster_dir(data_dir)) {
    print_error(*err);
    return kExitNoDataDir;
  }
  auto read = read_pid_file(data_dir);
  if (auto* err = std::get_if<PidFileError>(&read); err && err->kind != PidFileError::Kind::Missing) {
    return fail(err->message);
  }
  if (auto* info = std::get_if<PidFileInfo>(&read); info && process_alive(info->pid)) {
    print_msg("pmctl: server is running (PID: " + std::to_string(info->pid.get()) + ")\n");
    if (auto opts = read_whole_file(opts_file_path(data_dir), nullptr)) print_msg(*opts);
    return kExitOk;
  }
  print_msg("pmctl: no server running\n");
  return kExitNotRunning;
}

}  // namespace pmemu::pmctl
