// Per-process handle on the imessage area (ipc/imessage_area.h has the
// shared layout and its ownership essay; docs/imessage.md the design).
//
// Every process with a child slot opens one Mailbox for its slot at start
// and keeps it until exit. Through it the process sends typed messages to any
// other slot's queue and receives the messages in its own. A send never
// blocks on the recipient: it appends under the recipient's queue lock and
// rings SIGUSR2 only if the recipient announced it may be asleep. Receiving
// is lock-free for the owner. Per-sender FIFO order holds for each
// recipient; messages of different senders interleave in send order.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>

#include "common/strong_id.h"
#include "ipc/imessage_area.h"
#include "ipc/spin_policy.h"
#include "ipc/wait.h"

namespace pmemu::ipc::imessage {

// Message types the system itself sends. Values travel between processes of
// one build only, but keep them stable anyway: do not renumber.
enum class MessageType : std::uint16_t {
  WalFlushed = 1,         // backend -> walsender: WAL flushed up to the Lsn in the payload
  SyncRepReleased = 2,    // walsender -> backend: synchronous replication released up to Lsn
  WalReceivedFlushed = 3, // walreceiver -> startup: received and flushed up to Lsn
  FirstUserType = 1000,   // tests and benchmarks use values from here on
};

enum class SendStatus {
  Ok,
  AreaFull,       // no page free (FailNow), or none freed before the deadline
  RecipientGone,  // no process is registered on that slot
  Oversized,      // payload longer than kMaxPayload
  BadSlot,        // slot number outside the area
};
[[nodiscard]] const char* describe(SendStatus s);

// What send() does when the area has no room.
struct FullPolicy {
  static FullPolicy fail_now() { return FullPolicy{}; }
  static FullPolicy wait_until(std::chrono::steady_clock::time_point deadline) {
    return FullPolicy{true, deadline, {}};
  }
  // Up to `patience` from the moment the area is found full: the clock is
  // read only then, not on every send.
  static FullPolicy wait_for(std::chrono::nanoseconds patience) { return FullPolicy{true, {}, patience}; }
  bool wait = false;
  std::chrono::steady_clock::time_point deadline{};  // used when patience is zero
  std::chrono::nanoseconds patience{};
};

struct Message {
  std::uint16_t type = 0;
  Pid sender;
  ChildSlot sender_slot;
  std::uint32_t length = 0;
  std::array<std::byte, kMaxPayload> payload;
  [[nodiscard]] std::span<const std::byte> bytes() const { return {payload.data(), length}; }
};

struct SlotStats {
  Pid owner;
  std::uint64_t queued = 0, sent = 0, received = 0, bytes = 0, full_waits = 0, signals_sent = 0;
};

// A consistent-enough copy of one slot's counters (relaxed reads; never blocks).
[[nodiscard]] SlotStats read_stats(Area& area, ChildSlot slot);

class Mailbox {
 public:
  // Takes `me` for process `pid`: frees whatever a crashed previous owner left
  // and opens the queue to senders. Error text if the area or slot is bad.
  [[nodiscard]] static std::variant<Mailbox, std::string> open(Area* area, ChildSlot me, Pid pid);
  // Closes the queue to senders and frees unread messages (clean exit).
  ~Mailbox();
  Mailbox(Mailbox&& o) noexcept
      : area_(o.area_), me_(o.me_), pid_(o.pid_), seen_tail_(o.seen_tail_), spin_(o.spin_),
        asleep_since_(o.asleep_since_) {
    o.area_ = nullptr;
  }
  Mailbox& operator=(Mailbox&&) = delete;
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  [[nodiscard]] SendStatus send(ChildSlot to, std::uint16_t type, std::span<const std::byte> payload,
                                FullPolicy policy = FullPolicy::fail_now());
  [[nodiscard]] SendStatus send(ChildSlot to, MessageType type, std::span<const std::byte> payload,
                                FullPolicy policy = FullPolicy::fail_now()) {
    return send(to, static_cast<std::uint16_t>(type), payload, policy);
  }
  // Pops the oldest message into `out`; false if the queue is empty.
  [[nodiscard]] bool receive(Message& out);
  [[nodiscard]] bool has_messages() const;

  // Put this in WaitSpec::messages to sleep until a message arrives (the
  // process must catch SIGUSR2 with ipc::catch_signal so the wait wakes).
  [[nodiscard]] MessageWait wait_hook();

  [[nodiscard]] ChildSlot slot() const { return me_; }
  [[nodiscard]] Area& area() const { return *area_; }

 private:
  Mailbox(Area* a, ChildSlot me, Pid pid) : area_(a), me_(me), pid_(pid) {}
  [[nodiscard]] SendStatus try_append(Queue& q, std::uint32_t to, std::uint16_t type,
                                      std::span<const std::byte> payload, pid_t* ring);
  // Gives back the page of an empty queue before sleeping, so an idle
  // process holds no memory.
  void release_idle_page();
  // Before sleeping: watch the queue for a while (true if a message came).
  [[nodiscard]] bool spin_for_message();
  static bool before_sleep(void* self);
  static bool after_sleep(void* self);

  Area* area_;
  ChildSlot me_;
  Pid pid_;
  // The last tail read from the queue: everything before it is published, so
  // receive() re-reads the shared tail (a cache line the senders write) only
  // when it has consumed up to here.
  std::uint64_t seen_tail_ = kEmptyTail;
  SpinPolicy spin_;
  std::chrono::steady_clock::time_point asleep_since_{};
};

}  // namespace pmemu::ipc::imessage
