// This process's imessage mailbox. Every child with a process slot opens it
// right after fork (postmaster/launch.cpp) and closes it on a clean exit, so
// senders find it and a clean exit frees what it never read; after a crash
// the next owner of the slot frees the leftovers, and a crash restart
// recreates the whole area anyway.
#pragma once

#include <string>

#include "ipc/imessage.h"

namespace pmemu::ipc::imessage {

// "" or why the mailbox could not be opened.
[[nodiscard]] std::string open_my_mailbox();
// Null before open_my_mailbox() (postmaster, dead-end children).
[[nodiscard]] Mailbox* my_mailbox();
void close_my_mailbox();

}  // namespace pmemu::ipc::imessage
