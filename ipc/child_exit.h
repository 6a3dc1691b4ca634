// How every child leaves cleanly: its mailbox closed (unread messages
// freed), its process slot cleared, its PMChildFlags entry back to ASSIGNED
// (so the postmaster sees a clean exit), then _exit without running the
// postmaster's destructors. A SIGQUIT exit deliberately skips all of it.
#pragma once

namespace pmemu::ipc {

[[noreturn]] void exit_child_cleanly(int code);

}  // namespace pmemu::ipc
