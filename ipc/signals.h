// Signal handling for every process: handlers only record that a signal came
// and write one byte to this process's self-pipe, so that any wait (ipc/wait.h)
// wakes up. All real work happens in the process's own loop, which reads and
// clears the flags with take().
#pragma once

#include <csignal>

namespace pmemu::ipc {

enum class Sig { Term, Int, Quit, Hup, Usr1, Usr2, Chld, Pwr, Alrm, Count };

// Creates the self-pipe (non-blocking, O_CLOEXEC). Call once per process; a
// forked child must call reinit_after_fork() so it does not share the
// parent's pipe.
void init_self_pipe();
void reinit_after_fork();
[[nodiscard]] int self_pipe_read_fd();
void drain_self_pipe();

// Routes `signo` to the flag of `which`. SA_RESTART is not set: a blocking
// system call returns EINTR and the caller looks at the flags.
void catch_signal(int signo, Sig which);
void ignore_signal(int signo);
void default_signal(int signo);
// SIGQUIT in auxiliary processes: _exit(2) at once, no cleanup (PostgreSQL's
// SignalHandlerForCrashExit). Async-signal-safe.
void quit_exits_immediately();

// True if the signal arrived since the last take(); clears it.
[[nodiscard]] bool take(Sig which);
// True if pending, without clearing.
[[nodiscard]] bool pending(Sig which);

}  // namespace pmemu::ipc
