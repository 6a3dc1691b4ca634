// ipc/lsn_notice: the Lsn payload, delivery as a message, and the latch
// fallback when no message can be queued.
#include <doctest.h>
#include <unistd.h>

#include <vector>

#include "ipc/lsn_notice.h"
#include "ipc/my_mailbox.h"
#include "ipc/process_env.h"
#include "tests/unit/imessage/area_fixture.h"

namespace pmemu::ipc::imessage::test {
namespace {

// Slots 0 (this test, through my_mailbox()), 1 (a recipient) and 2 (a
// filler used to exhaust the area); slot 1's latch is observed.
struct NoticeFixture {
  AreaFixture area{2, 3};
  std::vector<std::byte> procs_mem = std::vector<std::byte>(shmem::ProcSlots::shmem_size(3));
  shmem::ProcSlots* procs = shmem::ProcSlots::shmem_init(procs_mem.data(), 3);

  NoticeFixture() {
    env().areas.imessage = area.raw();
    env().areas.procs = procs;
    env().my_slot = ChildSlot(0);
    REQUIRE(open_my_mailbox().empty());
  }
  ~NoticeFixture() {
    close_my_mailbox();
    env().areas.imessage = nullptr;
    env().areas.procs = nullptr;
    env().my_slot = ChildSlot{};
  }
  Mailbox open(std::uint32_t slot) { return std::get<Mailbox>(Mailbox::open(&area.area(), ChildSlot(slot), Pid{::getpid()})); }
  bool latch_set(std::uint32_t slot) { return procs->slots[slot].latch.is_set.load() != 0; }
};

}  // namespace

TEST_CASE("an Lsn notice carries exactly one Lsn") {
  Message m;
  auto bytes = encode_lsn(Lsn{0x1234'5678'9abcull});
  m.length = bytes.size();
  std::copy(bytes.begin(), bytes.end(), m.payload.begin());
  CHECK(decode_lsn(m) == Lsn{0x1234'5678'9abcull});
  m.length = 7;
  CHECK_FALSE(decode_lsn(m).has_value());
  m.length = 0;
  CHECK_FALSE(decode_lsn(m).has_value());
}

TEST_CASE("notify_lsn queues a message, and the recipient drains the highest Lsn of its type") {
  NoticeFixture f;
  Mailbox sender = f.open(1);
  CHECK(notify_lsn(ChildSlot(0), MessageType::WalFlushed, Lsn{100}) == Delivery::Queued);
  // From another process's mailbox, out of order and with a foreign type.
  REQUIRE(sender.send(ChildSlot(0), MessageType::WalFlushed, encode_lsn(Lsn{300})) == SendStatus::Ok);
  REQUIRE(sender.send(ChildSlot(0), MessageType::SyncRepReleased, encode_lsn(Lsn{900})) == SendStatus::Ok);
  REQUIRE(sender.send(ChildSlot(0), MessageType::WalFlushed, encode_lsn(Lsn{200})) == SendStatus::Ok);
  CHECK(drain_lsn_notices(MessageType::WalFlushed) == Lsn{300});
  CHECK_FALSE(my_mailbox()->has_messages());
  CHECK_FALSE(drain_lsn_notices(MessageType::WalFlushed).valid());
  CHECK_FALSE(f.latch_set(0));
}

TEST_CASE("with no room for a message, or nobody reading the slot, notify_lsn sets the latch instead") {
  NoticeFixture f;
  {
    Mailbox recipient = f.open(1);
    Mailbox filler = f.open(2);
    int sent = 0;
    // Messages as small as a notice, so not a byte a notice could use is left.
    while (filler.send(ChildSlot(1), MessageType::FirstUserType, encode_lsn(Lsn{1})) == SendStatus::Ok) ++sent;
    REQUIRE(sent > 0);
    CHECK(notify_lsn(ChildSlot(1), MessageType::WalFlushed, Lsn{42}) == Delivery::LatchSet);
    CHECK(f.latch_set(1));
    // The failed attempt is counted as a full area on the sender's slot.
    CHECK(read_stats(f.area.area(), ChildSlot(0)).full_waits == 1);
  }
  f.procs->slots[1].latch.is_set.store(0);
  // Slot 1's owner has gone (its mailbox closed): still not lost.
  CHECK(notify_lsn(ChildSlot(1), MessageType::WalFlushed, Lsn{43}) == Delivery::LatchSet);
  CHECK(f.latch_set(1));
  // A slot outside ProcSlots has nobody to tell.
  CHECK(notify_lsn(ChildSlot(7), MessageType::WalFlushed, Lsn{44}) == Delivery::NoSuchSlot);
}

}  // namespace pmemu::ipc::imessage::test
