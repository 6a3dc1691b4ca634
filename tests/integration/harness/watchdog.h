// The watchdog: nothing of a cluster outlives the test process that made it,
// even when that process dies without unwinding (SIGKILL, std::terminate, a
// meson timeout).
//
// The first watch_dir() forks the test process once. The fork (the watchdog)
// calls setsid (a kill of the test's process group spares it), ignores every
// catchable signal, closes every descriptor but stderr and its end of a
// SOCK_SEQPACKET socketpair, and never returns to doctest. The test process
// holds the other end (close-on-exec, so no client or server inherits it)
// and reports on it what each Cluster owns: its base directory, the process
// groups of its postmasters, its shared-memory keys; and "forget" once the
// Cluster's destructor has cleaned up itself. When the socket reads EOF the
// test process is gone: for every directory not forgotten the watchdog
// SIGKILLs the processes of the recorded groups (and of the postmaster named
// by the directory's postmaster.pid) that run the postmaster binary, waits
// until they are gone, removes /dev/shm/pmemu.<key> and the directory (kept
// under PMEMU_KEEP_TMP), says so on stderr, and exits.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace pmemu::integration::watchdog {

void watch_dir(const std::filesystem::path& dir);
void watch_group(const std::filesystem::path& dir, pid_t pgrp);
void watch_shm(const std::filesystem::path& dir, const std::string& key);
// The Cluster cleaned up `dir` itself: the watchdog must not touch it.
void forget_dir(const std::filesystem::path& dir);

}  // namespace pmemu::integration::watchdog
