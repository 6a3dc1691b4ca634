// Multi-process stress test of the imessage queue (issue 4).
//
// Eight producers send numbered, checksummed messages of random size to one
// consumer and to each other for --seconds; every process checks that what
// it receives is intact, exactly once and in per-sender order. Then the same
// again while some producers are killed with SIGKILL mid-run: this process
// plays the postmaster's part and re-registers a dead producer's slot, which
// frees what it left. At the end every message of a surviving sender has
// arrived and the area is empty.
//
// Usage: imessage_stress [--seconds N] [--phase all|clean|kill]. Exit 0 on success.
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "ipc/imessage.h"
#include "ipc/signals.h"

namespace im = pmemu::ipc::imessage;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kProducers = 8;
constexpr int kProcs = kProducers + 1;  // slot 8: the consumer
constexpr int kConsumer = kProducers;
constexpr std::size_t kPoolBytes = 1u << 20;  // small: the area does fill up
constexpr std::uint16_t kType = static_cast<std::uint16_t>(im::MessageType::FirstUserType) + 1;

struct Shared {
  std::atomic<std::uint64_t> sent[kProcs][kProcs];      // [from][to], written by `from`
  std::atomic<std::uint64_t> received[kProcs][kProcs];  // [to][from], written by `to`
  std::atomic<std::uint32_t> done[kProcs];
  std::atomic<std::uint32_t> killed[kProcs];
  std::atomic<std::uint64_t> errors;
  std::atomic<std::uint64_t> full;
  char first_error[256];
  std::atomic<std::uint32_t> error_claimed;
};

struct Wire {
  std::uint32_t from, to;
  std::uint64_t seq;
  std::uint32_t len, sum;
};

std::uint32_t fnv(const std::byte* p, std::size_t n) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ static_cast<std::uint32_t>(p[i])) * 16777619u;
  return h;
}

std::size_t build(std::byte* buf, std::uint32_t from, std::uint32_t to, std::uint64_t seq, std::size_t len) {
  for (std::size_t i = sizeof(Wire); i < len; ++i) buf[i] = static_cast<std::byte>((seq * 31 + i) & 0xff);
  Wire w{from, to, seq, static_cast<std::uint32_t>(len), 0};
  w.sum = fnv(buf + sizeof(Wire), len - sizeof(Wire));
  std::memcpy(buf, &w, sizeof w);
  return len;
}

void fail(Shared& sh, const std::string& what) {
  sh.errors.fetch_add(1);
  if (sh.error_claimed.exchange(1) == 0)
    std::snprintf(sh.first_error, sizeof sh.first_error, "%s", what.c_str());
}

// Checks one received message against the per-sender expectation.
void check(Shared& sh, int me, const im::Message& m, std::vector<std::uint64_t>& expect) {
  Wire w;
  if (m.length < sizeof w) return fail(sh, "short message");
  std::memcpy(&w, m.payload.data(), sizeof w);
  if (w.len != m.length || w.to != static_cast<std::uint32_t>(me) || w.from >= kProcs ||
      m.sender_slot.get() != w.from)
    return fail(sh, "misaddressed message");
  if (fnv(m.payload.data() + sizeof w, m.length - sizeof w) != w.sum) return fail(sh, "checksum mismatch");
  if (w.seq != expect[w.from])
    return fail(sh, "from " + std::to_string(w.from) + " to " + std::to_string(me) + ": seq " +
                        std::to_string(w.seq) + ", expected " + std::to_string(expect[w.from]));
  ++expect[w.from];
  sh.received[me][w.from].store(expect[w.from], std::memory_order_relaxed);
}

bool all_done(Shared& sh) {
  for (int i = 0; i < kProducers; ++i)
    if (!sh.done[i].load(std::memory_order_acquire) && !sh.killed[i].load(std::memory_order_acquire)) return false;
  return true;
}

im::Mailbox open_or_die(im::Area* area, int slot) {
  auto r = im::Mailbox::open(area, pmemu::ChildSlot(static_cast<std::uint32_t>(slot)), pmemu::Pid(::getpid()));
  if (r.index() != 0) ::_exit(3);
  return std::move(std::get<im::Mailbox>(r));
}

void producer_body(im::Area* area, Shared& sh, int me, Clock::time_point until) {
  auto mb = open_or_die(area, me);
  std::mt19937_64 rng(static_cast<std::uint64_t>(me) * 7919 + static_cast<std::uint64_t>(::getpid()));
  std::vector<std::uint64_t> next(kProcs, 0), expect(kProcs, 0);
  std::vector<bool> gone(kProcs, false);
  std::vector<std::byte> buf(im::kMaxPayload);
  im::Message m;
  auto drain = [&] {
    while (mb.receive(m)) check(sh, me, m, expect);
  };
  while (Clock::now() < until) {
    int to = rng() % 2 ? kConsumer : static_cast<int>(rng() % kProducers);
    if (to == me || gone[to]) to = kConsumer;
    const std::size_t len = sizeof(Wire) + rng() % (512 - sizeof(Wire) + 1);
    build(buf.data(), me, to, next[to], len);
    const auto st = mb.send(pmemu::ChildSlot(to), kType, {buf.data(), len});
    if (st == im::SendStatus::Ok) {
      sh.sent[me][to].store(++next[to], std::memory_order_relaxed);
    } else if (st == im::SendStatus::AreaFull) {
      sh.full.fetch_add(1, std::memory_order_relaxed);
      drain();
      ::sched_yield();
    } else if (st == im::SendStatus::RecipientGone) {
      gone[to] = true;
    } else {
      fail(sh, std::string("send: ") + im::describe(st));
    }
    if (rng() % 4 == 0) drain();
  }
  sh.done[me].store(1, std::memory_order_release);
  while (!all_done(sh)) {
    drain();
    ::sched_yield();
  }
  drain();
}  // the Mailbox unregisters here, freeing nothing: the queue is empty

[[noreturn]] void producer(im::Area* area, Shared& sh, int me, Clock::time_point until) {
  producer_body(area, sh, me, until);
  ::_exit(0);
}

void consumer_body(im::Area* area, Shared& sh) {
  auto mb = open_or_die(area, kConsumer);
  std::vector<std::uint64_t> expect(kProcs, 0);
  im::Message m;
  pmemu::ipc::WaitSpec spec;
  spec.timeout_ms = 50;
  spec.watch_postmaster = false;
  spec.messages = mb.wait_hook();
  for (;;) {
    while (mb.receive(m)) check(sh, kConsumer, m, expect);
    if (all_done(sh) && !mb.has_messages()) break;
    (void)pmemu::ipc::wait_event(spec);
  }
}

[[noreturn]] void consumer(im::Area* area, Shared& sh) {
  pmemu::ipc::reinit_after_fork();
  pmemu::ipc::catch_signal(SIGUSR2, pmemu::ipc::Sig::Usr2);
  consumer_body(area, sh);
  ::_exit(0);
}

template <typename F>
pid_t spawn(F body) {
  pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid == 0) body();
  return pid;
}

bool run(int seconds, bool with_kills) {
  const std::size_t area_bytes = im::shmem_size(kPoolBytes, kProcs);
  void* mem = ::mmap(nullptr, area_bytes + sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return false;
  im::Area* area = im::shmem_init(mem, kPoolBytes, kProcs);
  auto* sh = new (static_cast<char*>(mem) + area_bytes) Shared{};
  const auto until = Clock::now() + std::chrono::seconds(seconds);

  std::vector<pid_t> pids(kProcs);
  pids[kConsumer] = spawn([&] { consumer(area, *sh); });
  for (int i = 0; i < kProducers; ++i) pids[i] = spawn([&, i] { producer(area, *sh, i, until); });

  if (with_kills) {
    const int victims[] = {1, 4, 6};
    for (int k = 0; k < 3; ++k) {
      const auto at = Clock::now() + std::chrono::milliseconds(seconds * 1000 * (k + 1) / 5);
      while (Clock::now() < at) ::usleep(10000);  // pacing the test driver, not synchronisation
      const int v = victims[k];
      ::kill(pids[v], SIGKILL);
      ::waitpid(pids[v], nullptr, 0);
      pids[v] = 0;
      // The postmaster's part: the next registrant of the slot frees what the
      // dead process left, then closes it.
      { auto reclaim = open_or_die(area, v); }
      sh->killed[v].store(1, std::memory_order_release);
    }
  }
  bool ok = true;
  for (int i = 0; i < kProcs; ++i) {
    if (!pids[i]) continue;
    int status = 0;
    ::waitpid(pids[i], &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "process %d ended badly (status %d)\n", i, status);
      ok = false;
    }
  }
  // Survivors unregistered on their way out; killed ones were reclaimed.

  std::uint64_t total = 0;
  for (int s = 0; s < kProducers; ++s)
    for (int r = 0; r < kProcs; ++r) {
      if (r != kConsumer && sh->killed[r]) continue;  // recipient gone: its queue was freed
      const auto sent = sh->sent[s][r].load(), got = sh->received[r][s].load();
      total += got;
      const bool exact = sh->killed[s] ? (got == sent || got == sent + 1) : got == sent;
      if (!exact) {
        std::fprintf(stderr, "from %d to %d: sent %llu, received %llu\n", s, r, (unsigned long long)sent,
                     (unsigned long long)got);
        ok = false;
      }
    }
  if (sh->errors.load()) {
    std::fprintf(stderr, "%llu bad messages; first: %s\n", (unsigned long long)sh->errors.load(), sh->first_error);
    ok = false;
  }
  const auto left = area->pages_in_use();
  if (left != 0) {
    std::fprintf(stderr, "area not empty at the end: %u pages in use\n", left);
    ok = false;
  }
  std::printf("imessage_stress %s: %llu messages verified, %llu area-full retries, %u pages left: %s\n",
              with_kills ? "with kill -9" : "clean", (unsigned long long)total,
              (unsigned long long)sh->full.load(), left, ok ? "ok" : "FAILED");
  ::munmap(mem, area_bytes + sizeof(Shared));
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 10;
  std::string phase = "all";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--seconds") seconds = std::stoi(argv[i + 1]);
    else if (a == "--phase") phase = argv[i + 1];
  }
  pmemu::ipc::init_self_pipe();
  bool ok = true;
  if (phase == "all" || phase == "clean") ok = run(seconds, false) && ok;
  if (phase == "all" || phase == "kill") ok = run(seconds, true) && ok;
  return ok ? 0 : 1;
}
