#include <doctest.h>
#include <sys/wait.h>

#include <csignal>

#include "ipc/signals.h"
#include "tests/unit/imessage/area_fixture.h"

namespace pmemu::ipc::imessage::test {
namespace {
constexpr std::uint16_t kT = static_cast<std::uint16_t>(MessageType::FirstUserType);

// Runs `body` in a child that then dies without any cleanup; returns its status.
template <typename F>
int in_child_that_dies(F body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(9);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}
}  // namespace

TEST_CASE("a sender that dies holding the queue lock with a claimed page wedges nobody and leaks nothing") {
  AreaFixture f(4, 2);
  auto r = f.open(1);
  const int st = in_child_that_dies([&] {
    Queue& q = f.area().queue(1);
    (void)q.lock.lock(Pid(::getpid()));
    (void)f.area().claim_page(1);  // claimed, never published
  });
  REQUIRE(WIFEXITED(st));
  CHECK(f.area().pages_in_use() == 1);
  auto s = f.open(0);
  CHECK(s.send(ChildSlot(1), kT, bytes_of(10, 1)) == SendStatus::Ok);  // repairs first
  CHECK(f.area().pages_in_use() == 1);                                   // the leaked page came back
  Message m;
  REQUIRE(r.receive(m));
  CHECK(same(m, bytes_of(10, 1)));
}

TEST_CASE("a sender that dies after publishing keeps its message deliverable") {
  AreaFixture f(4, 2);
  auto r = f.open(1);
  in_child_that_dies([&] {
    auto s = f.open(0);
    for (unsigned i = 0; i < 5; ++i) (void)s.send(ChildSlot(1), kT, bytes_of(100, i));
    (void)f.area().queue(1).lock.lock(Pid(::getpid()));  // dies inside the lock, after its sends
  });
  Message m;
  for (unsigned i = 0; i < 5; ++i) {
    REQUIRE(r.receive(m));
    CHECK(same(m, bytes_of(100, i)));
  }
  auto s = f.open(0);  // slot 0's dead owner left nothing behind
  CHECK(s.send(ChildSlot(1), kT, bytes_of(1, 1)) == SendStatus::Ok);
  CHECK(r.receive(m));
}

TEST_CASE("the next registrant of a crashed owner's slot frees its unread messages") {
  AreaFixture f(6, 2);
  in_child_that_dies([&] {
    auto mine = f.open(1);
    auto s = f.open(0);
    for (unsigned i = 0; i < 40; ++i) (void)s.send(ChildSlot(1), kT, bytes_of(400, i));
    Message m;
    for (int i = 0; i < 3; ++i) (void)mine.receive(m);
    ::_exit(9);  // no destructors: both slots stay registered to a dead pid
  });
  CHECK(f.area().pages_owned_by(1) >= 2);
  auto again = f.open(1);
  CHECK(f.area().pages_owned_by(1) == 0);
  CHECK(read_stats(f.area(), ChildSlot(1)).queued == 0);
  Message m;
  CHECK_FALSE(again.receive(m));
}

TEST_CASE("the wait ends on a message, and only a sleeping recipient is rung") {
  AreaFixture f(4, 2);
  (void)take(Sig::Usr2);
  drain_self_pipe();
  auto s = f.open(0), r = f.open(1);
  WaitSpec spec;
  spec.timeout_ms = 0;
  spec.watch_postmaster = false;
  spec.messages = r.wait_hook();
  CHECK((wait_event(spec) & kWaitMessage) == 0);

  // Awake recipient: no signal.
  REQUIRE(s.send(ChildSlot(1), kT, bytes_of(4, 1)) == SendStatus::Ok);
  CHECK(read_stats(f.area(), ChildSlot(0)).signals_sent == 0);
  CHECK((wait_event(spec) & kWaitMessage) != 0);  // returns without sleeping
  Message m;
  REQUIRE(r.receive(m));

  // Recipient announced sleep: the first send rings, the second does not.
  REQUIRE_FALSE(spec.messages.before_sleep(spec.messages.ctx));
  REQUIRE(s.send(ChildSlot(1), kT, bytes_of(4, 2)) == SendStatus::Ok);
  REQUIRE(s.send(ChildSlot(1), kT, bytes_of(4, 3)) == SendStatus::Ok);
  CHECK(read_stats(f.area(), ChildSlot(0)).signals_sent == 1);
  CHECK(take(Sig::Usr2));
  CHECK(spec.messages.after_sleep(spec.messages.ctx));
  spec.timeout_ms = 1000;
  const auto ev = wait_event(spec);
  CHECK((ev & kWaitMessage) != 0);
  CHECK((ev & kWaitTimeout) == 0);
}
}  // namespace pmemu::ipc::imessage::test
