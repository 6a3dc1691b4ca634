// "X has reached this Lsn" news between processes, carried by imessages:
// WAL flushed (backend/checkpointer -> walsender), synchronous replication
// released (walsender -> waiting backend), WAL received and flushed
// (walreceiver -> startup). The payload is the Lsn, 8 bytes, native order.
//
// A notice is never lost: when no message can be queued (the area is full,
// or the recipient's mailbox is not open), the sender sets the recipient's
// latch instead, and every recipient treats a set latch as "re-read the
// shared position". So a full area costs a re-read, never a missed wake-up.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "common/strong_id.h"
#include "ipc/imessage.h"
#include "ipc/wait.h"
#include "wal/lsn.h"

namespace pmemu::ipc {

[[nodiscard]] std::array<std::byte, 8> encode_lsn(Lsn lsn);
// The Lsn in a notice, or nullopt if the payload is not exactly one Lsn.
[[nodiscard]] std::optional<Lsn> decode_lsn(const imessage::Message& m);

enum class Delivery { Queued, LatchSet, NoSuchSlot };
// Sends `type` carrying `lsn` to the process on slot `to` without blocking.
Delivery notify_lsn(ChildSlot to, imessage::MessageType type, Lsn lsn);

// Makes the wait `w` also end when a message arrives for this process (the
// process catches SIGUSR2, as every child does); no-op without a mailbox.
void wake_on_messages(WaitSpec& w);

// Reads every message queued for this process and returns the highest Lsn
// carried by one of type `want` (an invalid Lsn if none). A message of any
// other type is logged and dropped: each process expects one kind today.
[[nodiscard]] Lsn drain_lsn_notices(imessage::MessageType want);

}  // namespace pmemu::ipc
