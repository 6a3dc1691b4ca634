// The fault-point registry: one slot per catalogue point (faults/catalogue.h)
// in the shared segment, and the check every point makes.
//
// Ownership and locking (no lock a process can block on; every field is an
// atomic):
// - The spec words of a slot (action, arg, nth, times, p, seed, pid) are
//   written by arm()/clear(): pmctl attached to the segment, or the
//   postmaster applying the fault_points setting. Writers serialise per slot
//   with a seqlock `seq` (odd while written, taken by compare-and-swap with a
//   bounded number of tries, so the postmaster never waits on it); readers
//   (check) copy the words and retry if `seq` moved, giving up after a few
//   tries (the hit is then not counted).
// - armed: set last by arm(), cleared first by clear(); read by every process
//   at every point with ONE relaxed load: the whole cost of an unarmed point.
// - hits, fired: reset by arm(); incremented by the process passing the point.
// - wake: bumped by wakeup() and clear(); a process parked by `wait` leaves
//   when it changes. waiting_pid: the parked process (0 none), for `list`.
// The postmaster creates the area with the segment; a crash restart makes a
// new one, where the postmaster re-applies the fault_points setting.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "faults/catalogue.h"
#include "faults/spec.h"

namespace pmemu::faults {

struct Slot {
  std::atomic<std::uint32_t> armed;
  std::atomic<std::uint32_t> seq;
  std::atomic<std::uint32_t> action;
  std::atomic<std::uint32_t> p_millionths;
  std::atomic<std::int64_t> arg;
  std::atomic<std::uint64_t> nth;
  std::atomic<std::uint64_t> times;
  std::atomic<std::uint64_t> seed;
  std::atomic<std::int64_t> pid;
  std::atomic<std::uint64_t> hits;
  std::atomic<std::uint64_t> fired;
  std::atomic<std::uint32_t> wake;
  std::atomic<std::int64_t> waiting_pid;
};

inline constexpr std::uint64_t kRegistryMagic = 0x504d4641554c5453ULL;  // "PMFAULTS"

struct Registry {
  std::uint64_t magic;
  std::uint32_t num_slots;
  Slot slots[kMaxPoints];

  static std::size_t shmem_size() { return sizeof(Registry); }
  static Registry* shmem_init(void* where);
};

// --- writers (pmctl, postmaster) ---
// False (with `error`) if another writer holds the slot too long.
bool arm(Registry& r, PointId id, const FaultSpec& spec, std::string* error);
bool clear(Registry& r, PointId id, std::string* error);
void wakeup(Registry& r, PointId id);

struct SlotView {
  FaultSpec spec;
  bool armed;
  std::uint64_t hits;
  std::uint64_t fired;
  std::int64_t waiting_pid;
};
SlotView read_slot(const Registry& r, PointId id);

// --- every process ---
// This process's registry (nullptr: points do nothing). The postmaster sets
// it after creating each segment; children inherit it through fork.
void set_registry(Registry* r);
extern Registry* g_registry;

// How this process acts on `error`, `fatal` and `wait`.
struct ProcessHooks {
  bool in_postmaster = false;
  bool has_client = false;  // `error` fails the statement instead of exiting
  void (*exit_process)(int code) = nullptr;  // clean exit with a code
  bool (*leave_wait)() = nullptr;  // true: stop waiting (postmaster death, SIGQUIT...)
  void (*report_wait)(std::string_view point) = nullptr;  // "" when the wait ends
};
void set_process_hooks(const ProcessHooks& h);
// A backend that becomes a walsender has no statement to fail any more.
void set_has_client(bool has_client);

// The slow path: counts the hit, decides, writes fault_hit and acts. Returns
// true when the caller must fail its statement (`error` in a backend).
bool check_armed(PointId id);

// The hot path: one relaxed atomic load when the point is not armed.
inline bool check(PointId id) {
  Registry* r = g_registry;
  if (r == nullptr || r->slots[id].armed.load(std::memory_order_relaxed) == 0) [[likely]]
    return false;
  return check_armed(id);
}

}  // namespace pmemu::faults

// FAULT_POINT("checkpointer.before_control_update"): the name is checked at
// compile time. Evaluates to true when the statement must fail with an ERROR.
#define FAULT_POINT(name) (::pmemu::faults::check(::pmemu::faults::point_id(name)))
