// How a child learns that the postmaster died.
//
// The postmaster creates a pipe before the first fork and keeps its write end;
// every child closes the write end right after fork. When the postmaster dies
// the kernel closes its write end, the read end polls as readable with EOF,
// and every wait (ipc/wait.h) includes that fd, so a sleeping child wakes at
// once. A child busy outside waits calls postmaster_alive() now and then; the
// parent-death signal (SIGPWR, as PostgreSQL uses) makes that check a flag
// test in the common case.
#pragma once

namespace pmemu::ipc {

// Postmaster, once, before forking anything.
void create_death_pipe();
// Child, right after fork: drop the write end, arm the parent-death signal.
void child_close_death_pipe_write_end();
[[nodiscard]] int death_pipe_read_fd();
[[nodiscard]] bool postmaster_alive();

}  // namespace pmemu::ipc
