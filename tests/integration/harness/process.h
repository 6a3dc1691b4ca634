// What the integration tests know about processes, read from /proc.
//
// The test process is a child subreaper (become_subreaper), so a server
// process whose parent dies (the postmaster itself after `pmctl start`
// exits, or every child after a kill -9 of the postmaster) is reparented to
// us instead of PID 1. PID 1 on these machines reaps only every ~2 s, and an
// unreaped zombie postmaster still "owns" its pid file; reaping it ourselves
// (reap_orphans, called from every wait loop) keeps that trap out of the
// tests. "Alive" therefore means: /proc/PID/stat exists and is not state Z.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/strong_id.h"

namespace pmemu::integration {

struct ProcStat {
  char state = '?';  // R, S, D, T (stopped), Z (zombie), ...
  Pid ppid;
  pid_t pgrp = 0;
};

// Idempotent; the whole test process stays a subreaper for its lifetime.
void become_subreaper();

// Reaps every exited child without blocking. Must not race with a caller
// that waits for its own child by pid: run_command() reaps its child before
// returning, and nothing else forks in the test process.
void reap_orphans();

[[nodiscard]] std::optional<ProcStat> read_proc_stat(Pid pid);
[[nodiscard]] bool is_alive(Pid pid);

// Live (non-zombie) processes, scanned from /proc at the time of the call.
[[nodiscard]] std::vector<Pid> children_of(Pid parent);
[[nodiscard]] std::vector<Pid> pids_in_group(pid_t pgrp);
// /proc/PID/cmdline with NULs as spaces and trailing blanks removed: the
// title a server process gave itself (`postmaster: checkpointer`).
[[nodiscard]] std::string process_title(Pid pid);
[[nodiscard]] std::vector<Pid> pids_by_title(std::string_view substring);

// The whole file, or what could be read of it ("" if it cannot be opened).
// Never throws, also not for a /proc file whose process vanished mid-read.
[[nodiscard]] std::string read_text(const std::filesystem::path& p);

}  // namespace pmemu::integration
