#include "faults/registry.h"

#include <csignal>
#include <cstdlib>
#include <ctime>
#include <new>
#include <unistd.h>

#include "events/events.h"

namespace pmemu::faults {

Registry* g_registry = nullptr;

namespace {

ProcessHooks g_hooks;
constexpr int kWriterTries = 1000;
constexpr int kReaderTries = 100;

void relax() {
  struct timespec ts {0, 1000};
  ::nanosleep(&ts, nullptr);
}

bool lock_slot(Slot& s, std::uint32_t* seq, std::string* error) {
  for (int i = 0; i < kWriterTries; ++i) {
    std::uint32_t cur = s.seq.load(std::memory_order_relaxed);
    if ((cur & 1U) == 0 && s.seq.compare_exchange_weak(cur, cur + 1, std::memory_order_acquire)) {
      *seq = cur + 1;
      return true;
    }
    relax();
  }
  *error = "fault point slot is being written by another process";
  return false;
}

void unlock_slot(Slot& s, std::uint32_t seq) { s.seq.store(seq + 1, std::memory_order_release); }

bool read_spec(const Slot& s, FaultSpec* out) {
  for (int i = 0; i < kReaderTries; ++i) {
    const std::uint32_t before = s.seq.load(std::memory_order_acquire);
    if (before & 1U) continue;
    out->action = static_cast<Action>(s.action.load(std::memory_order_relaxed));
    out->arg = s.arg.load(std::memory_order_relaxed);
    out->nth = s.nth.load(std::memory_order_relaxed);
    out->times = s.times.load(std::memory_order_relaxed);
    out->p_millionths = s.p_millionths.load(std::memory_order_relaxed);
    out->seed = s.seed.load(std::memory_order_relaxed);
    out->pid = s.pid.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (s.seq.load(std::memory_order_relaxed) == before) return true;
  }
  return false;
}

void sleep_ms(std::int64_t ms) {
  struct timespec ts {static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
  while (::nanosleep(&ts, &ts) != 0) {
    if (g_hooks.leave_wait && g_hooks.leave_wait()) return;
  }
}

[[noreturn]] void exit_with(int code) {
  if (g_hooks.exit_process) g_hooks.exit_process(code);
  std::exit(code);
}

// Parks until wakeup/clear, or until the process must react to something
// else (postmaster death, SIGQUIT): it polls shared flags, never locks.
void park(PointId id, Slot& s, std::uint32_t wake_before) {
  s.waiting_pid.store(::getpid(), std::memory_order_relaxed);
  if (g_hooks.report_wait) g_hooks.report_wait(kPoints[id].name);
  while (s.wake.load(std::memory_order_acquire) == wake_before && s.armed.load(std::memory_order_relaxed) != 0) {
    if (g_hooks.leave_wait && g_hooks.leave_wait()) break;
    sleep_ms(10);
  }
  std::int64_t me = ::getpid();
  s.waiting_pid.compare_exchange_strong(me, 0);
  if (g_hooks.report_wait) g_hooks.report_wait("");
}

}  // namespace

Registry* Registry::shmem_init(void* where) {
  auto* r = new (where) Registry;
  r->magic = kRegistryMagic;
  r->num_slots = kMaxPoints;
  for (auto& s : r->slots) {
    s.armed.store(0);
    s.seq.store(0);
    s.action.store(0);
    s.p_millionths.store(1000000);
    s.arg.store(0);
    s.nth.store(0);
    s.times.store(0);
    s.seed.store(0);
    s.pid.store(0);
    s.hits.store(0);
    s.fired.store(0);
    s.wake.store(0);
    s.waiting_pid.store(0);
  }
  return r;
}

bool arm(Registry& r, PointId id, const FaultSpec& spec, std::string* error) {
  Slot& s = r.slots[id];
  std::uint32_t seq = 0;
  if (!lock_slot(s, &seq, error)) return false;
  s.armed.store(0, std::memory_order_relaxed);
  s.action.store(static_cast<std::uint32_t>(spec.action), std::memory_order_relaxed);
  s.arg.store(spec.arg, std::memory_order_relaxed);
  s.nth.store(spec.nth, std::memory_order_relaxed);
  s.times.store(spec.times, std::memory_order_relaxed);
  s.p_millionths.store(spec.p_millionths, std::memory_order_relaxed);
  s.seed.store(spec.seed, std::memory_order_relaxed);
  s.pid.store(spec.pid, std::memory_order_relaxed);
  s.hits.store(0, std::memory_order_relaxed);
  s.fired.store(0, std::memory_order_relaxed);
  s.wake.fetch_add(1, std::memory_order_release);  // a process parked by an earlier arming leaves
  unlock_slot(s, seq);
  s.armed.store(spec.action == Action::None ? 0 : 1, std::memory_order_release);
  return true;
}

bool clear(Registry& r, PointId id, std::string* error) {
  Slot& s = r.slots[id];
  s.armed.store(0, std::memory_order_release);
  std::uint32_t seq = 0;
  if (!lock_slot(s, &seq, error)) return false;
  s.action.store(0, std::memory_order_relaxed);
  unlock_slot(s, seq);
  s.wake.fetch_add(1, std::memory_order_release);
  return true;
}

void wakeup(Registry& r, PointId id) { r.slots[id].wake.fetch_add(1, std::memory_order_release); }

SlotView read_slot(const Registry& r, PointId id) {
  const Slot& s = r.slots[id];
  SlotView v{};
  v.armed = s.armed.load(std::memory_order_acquire) != 0;
  if (!read_spec(s, &v.spec)) v.spec = FaultSpec{};
  v.hits = s.hits.load(std::memory_order_relaxed);
  v.fired = s.fired.load(std::memory_order_relaxed);
  v.waiting_pid = s.waiting_pid.load(std::memory_order_relaxed);
  return v;
}

void set_registry(Registry* r) { g_registry = r; }
void set_process_hooks(const ProcessHooks& h) { g_hooks = h; }
void set_has_client(bool has_client) { g_hooks.has_client = has_client; }

bool check_armed(PointId id) {
  Slot& s = g_registry->slots[id];
  FaultSpec spec;
  if (!read_spec(s, &spec) || spec.action == Action::None) return false;
  if (spec.pid != 0 && spec.pid != ::getpid()) return false;
  const std::uint32_t wake_before = s.wake.load(std::memory_order_acquire);
  const std::uint64_t hit = s.hits.fetch_add(1, std::memory_order_relaxed) + 1;
  if (!decide(spec, hit, s.fired.load(std::memory_order_relaxed))) return false;
  s.fired.fetch_add(1, std::memory_order_relaxed);
  const std::string action = action_text(spec);
  // Written before acting, so that kill9 and panic still leave it.
  events::emit("fault_hit", {{"point", kPoints[id].name}, {"action", std::string_view(action)},
                             {"hits", static_cast<unsigned long>(hit)}});
  switch (spec.action) {
    case Action::None: return false;
    case Action::Error:
      if (g_hooks.has_client) return true;
      exit_with(1);
    case Action::Fatal: exit_with(1);
    case Action::Exit: exit_with(static_cast<int>(spec.arg));
    case Action::Panic: std::abort();
    case Action::Kill9:
      ::kill(::getpid(), SIGKILL);
      for (;;) ::pause();
    case Action::Sleep: sleep_ms(spec.arg); return false;
    case Action::Wait: park(id, s, wake_before); return false;
  }
  return false;
}

}  // namespace pmemu::faults
