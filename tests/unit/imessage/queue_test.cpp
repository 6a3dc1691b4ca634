#include <doctest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <random>

#include "tests/unit/imessage/area_fixture.h"

namespace pmemu::ipc::imessage::test {
namespace {
constexpr std::uint16_t kT = static_cast<std::uint16_t>(MessageType::FirstUserType);
auto fail_now = FullPolicy::fail_now();

// Sends messages of `size` bytes until the area refuses; returns how many fit.
int fill(Mailbox& from, std::uint32_t to, std::size_t size) {
  int n = 0;
  while (from.send(ChildSlot(to), kT, bytes_of(size, n), fail_now) == SendStatus::Ok) ++n;
  return n;
}

int drain(Mailbox& m) {
  Message msg;
  int n = 0;
  while (m.receive(msg)) ++n;
  return n;
}
}  // namespace

TEST_CASE("the area is laid out within shmem_size and attach recognises it") {
  AreaFixture f(4, 3);
  CHECK(Area::attach(f.raw()) == &f.area());
  CHECK(f.area().npages() == 4);
  CHECK(f.area().nslots() == 3);
  CHECK(shmem_size(4 * kPageSize, 3) >= 4 * kPageSize + 3 * sizeof(Queue));
  std::array<char, 256> junk{};
  CHECK(Area::attach(junk.data()) == nullptr);
  CHECK(Area::attach(nullptr) == nullptr);
}

TEST_CASE("a message arrives with its type, sender and payload, in FIFO order") {
  AreaFixture f(4, 3);
  auto a = f.open(0), b = f.open(1);
  for (unsigned i = 0; i < 50; ++i)
    REQUIRE(a.send(ChildSlot(1), static_cast<std::uint16_t>(kT + i), bytes_of(i * 3, i)) == SendStatus::Ok);
  Message m;
  for (unsigned i = 0; i < 50; ++i) {
    REQUIRE(b.receive(m));
    CHECK(m.type == kT + i);
    CHECK(m.sender == Pid(::getpid()));
    CHECK(m.sender_slot == ChildSlot(0));
    CHECK(same(m, bytes_of(i * 3, i)));
  }
  CHECK_FALSE(b.receive(m));
  CHECK_FALSE(a.receive(m));  // nothing went to the sender's own queue
}

TEST_CASE("bad slots, oversized payloads and absent recipients fail clearly") {
  AreaFixture f(4, 3);
  auto a = f.open(0);
  CHECK(a.send(ChildSlot(3), kT, bytes_of(8, 1)) == SendStatus::BadSlot);
  CHECK(a.send(ChildSlot(), kT, bytes_of(8, 1)) == SendStatus::BadSlot);
  CHECK(a.send(ChildSlot(2), kT, bytes_of(8, 1)) == SendStatus::RecipientGone);
  CHECK(a.send(ChildSlot(0), kT, bytes_of(kMaxPayload + 1, 1)) == SendStatus::Oversized);
  CHECK(a.send(ChildSlot(0), kT, bytes_of(kMaxPayload, 1)) == SendStatus::Ok);
  CHECK(std::string(describe(SendStatus::AreaFull)).find("full") != std::string::npos);
  {
    auto c = f.open(2);
    CHECK(a.send(ChildSlot(2), kT, bytes_of(8, 1)) == SendStatus::Ok);
  }
  // The owner left: its queue is closed and its unread message freed.
  CHECK(a.send(ChildSlot(2), kT, bytes_of(8, 1)) == SendStatus::RecipientGone);
  CHECK(f.area().pages_owned_by(2) == 0);
  CHECK(Mailbox::open(&f.area(), ChildSlot(7), Pid(::getpid())).index() == 1);
  CHECK(Mailbox::open(nullptr, ChildSlot(0), Pid(::getpid())).index() == 1);
}

TEST_CASE("a full area refuses at once, counts it, and accepts again once drained") {
  AreaFixture f(4, 2);
  auto a = f.open(0), b = f.open(1);
  const int n = fill(a, 1, 1000);
  const int per_page = static_cast<int>((kPageSize - kPageDataStart) / record_size(1000));
  CHECK(n == 4 * per_page);
  CHECK(f.area().pages_in_use() == 4);
  CHECK(read_stats(f.area(), ChildSlot(0)).full_waits == 1);
  CHECK(read_stats(f.area(), ChildSlot(1)).queued == static_cast<std::uint64_t>(n));
  // Waiting until a deadline that passes also fails, not silently.
  auto soon = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
  CHECK(a.send(ChildSlot(1), kT, bytes_of(1000, 0), FullPolicy::wait_until(soon)) ==
        SendStatus::AreaFull);
  // So does a patience that runs out, and it is measured from the refusal.
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(a.send(ChildSlot(1), kT, bytes_of(1000, 0), FullPolicy::wait_for(std::chrono::milliseconds(3))) ==
        SendStatus::AreaFull);
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(3));
  CHECK(drain(b) == n);
  CHECK(read_stats(f.area(), ChildSlot(1)).queued == 0);
  CHECK(read_stats(f.area(), ChildSlot(1)).bytes == 0);
  CHECK(f.area().pages_in_use() == 1);  // the tail page stays until the owner sleeps
  CHECK_FALSE(b.wait_hook().before_sleep(&b));
  CHECK(f.area().pages_in_use() == 0);
  CHECK(fill(a, 1, 1000) == n);  // same capacity again
}

TEST_CASE("wrap-around: far more traffic than the area holds passes through in order") {
  AreaFixture f(3, 2);
  auto a = f.open(0), b = f.open(1);
  std::mt19937 rng(7);
  unsigned sent = 0, got = 0;
  Message m;
  while (got < 20000) {
    const unsigned burst = rng() % 40;
    for (unsigned i = 0; i < burst; ++i) {
      const auto st = a.send(ChildSlot(1), kT, bytes_of(sent % 700, sent));
      if (st == SendStatus::AreaFull) break;
      REQUIRE(st == SendStatus::Ok);
      ++sent;
    }
    const unsigned take = rng() % 40;
    for (unsigned i = 0; i < take && b.receive(m); ++i) {
      REQUIRE(same(m, bytes_of(got % 700, got)));
      ++got;
    }
  }
  while (b.receive(m)) {
    REQUIRE(same(m, bytes_of(got % 700, got)));
    ++got;
  }
  CHECK(got == sent);
  CHECK(f.area().pages_in_use() <= 1);
}

TEST_CASE("pages are freed in every order of the queues that hold them") {
  std::array<std::uint32_t, 3> order{1, 2, 3};
  do {
    AreaFixture f(8, 4);
    auto s = f.open(0);
    std::array<Mailbox, 3> r{f.open(1), f.open(2), f.open(3)};
    // Interleave sends so the three queues' pages alternate in the pool.
    for (unsigned i = 0; i < 30; ++i)
      for (std::uint32_t q = 1; q <= 3; ++q) REQUIRE(s.send(ChildSlot(q), kT, bytes_of(500, i)) == SendStatus::Ok);
    CHECK(f.area().pages_in_use() == 6);
    std::uint32_t in_use = 6;
    for (std::uint32_t q : order) {
      CHECK(drain(r[q - 1]) == 30);
      // Drained queues keep their tail page until they sleep; release it.
      CHECK_FALSE(r[q - 1].wait_hook().before_sleep(&r[q - 1]));
      in_use -= 2;
      CHECK(f.area().pages_in_use() == in_use);
      CHECK(f.area().pages_owned_by(q) == 0);
    }
    CHECK(fill(s, 1, 2000) == 8 * static_cast<int>((kPageSize - kPageDataStart) / record_size(2000)));
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_CASE("fragmentation: mixed sizes in many queues never strand free space") {
  AreaFixture f(16, 5);
  auto s = f.open(0);
  std::array<Mailbox, 4> r{f.open(1), f.open(2), f.open(3), f.open(4)};
  std::mt19937 rng(11);
  for (int round = 0; round < 200; ++round) {
    const std::uint32_t q = 1 + rng() % 4;
    const std::size_t len = rng() % (kMaxPayload + 1);
    const auto st = s.send(ChildSlot(q), kT, bytes_of(len, round));
    REQUIRE((st == SendStatus::Ok || st == SendStatus::AreaFull));
    if (rng() % 3 == 0) {
      Message m;
      (void)r[rng() % 4].receive(m);
    }
  }
  for (auto& mb : r) {
    drain(mb);
    (void)mb.wait_hook().before_sleep(&mb);
  }
  CHECK(f.area().pages_in_use() == 0);
  // After any history, the full capacity of maximum-size messages is back.
  CHECK(fill(s, 1, kMaxPayload) == 16);
}

TEST_CASE("per-sender FIFO holds with several senders to one recipient") {
  AreaFixture f(8, 4);
  auto a = f.open(0), b = f.open(1), c = f.open(2), r = f.open(3);
  std::array<Mailbox*, 3> senders{&a, &b, &c};
  for (std::uint32_t i = 0; i < 300; ++i) {
    auto* s = senders[(i * 7) % 3];
    std::uint32_t seq = i;
    REQUIRE(s->send(ChildSlot(3), kT, std::as_bytes(std::span(&seq, 1))) == SendStatus::Ok);
  }
  std::array<std::int64_t, 3> last{-1, -1, -1};
  Message m;
  int n = 0;
  while (r.receive(m)) {
    std::uint32_t seq;
    std::memcpy(&seq, m.payload.data(), sizeof seq);
    auto& l = last[m.sender_slot.get()];
    CHECK(static_cast<std::int64_t>(seq) > l);
    l = seq;
    ++n;
  }
  CHECK(n == 300);
  CHECK(read_stats(f.area(), ChildSlot(3)).received == 300);
  CHECK(read_stats(f.area(), ChildSlot(0)).sent + read_stats(f.area(), ChildSlot(1)).sent +
            read_stats(f.area(), ChildSlot(2)).sent ==
        300);
}

}  // namespace pmemu::ipc::imessage::test
