// The kinds of child the postmaster forks, one row each in kChildKinds.
//
// Adding a kind touches four declarations: its ChildKind value (at the end,
// before the count), its row below, its ChildCounts field, and, for an
// auxiliary process, its entry point in postmaster/launch.cpp. What the state
// machine does when it starts, stops or dies is then decided in
// postmaster/pm_state.cpp, where every other kind's behaviour is.
//
// Pure data: the state machine's library (no process entry points) uses it,
// so that its unit tests need no child code.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace pmemu::postmaster {

enum class ChildKind { Startup, Checkpointer, Backend, WalSender, DeadEnd, WalReceiver };
inline constexpr std::size_t kNumChildKinds = 6;

// A signal's targets, as a bit mask: bit N is the ChildKind of value N.
[[nodiscard]] constexpr unsigned target_of(ChildKind k) { return 1u << static_cast<unsigned>(k); }
enum Target : unsigned {
  kTargetStartup = target_of(ChildKind::Startup),
  kTargetCheckpointer = target_of(ChildKind::Checkpointer),
  kTargetBackends = target_of(ChildKind::Backend),
  kTargetWalSenders = target_of(ChildKind::WalSender),
  kTargetDeadEnds = target_of(ChildKind::DeadEnd),
  kTargetWalReceiver = target_of(ChildKind::WalReceiver),
  kTargetAll = (1u << kNumChildKinds) - 1,
};

// What the driver has, counted after removing the child an event is about.
// Kinds of which at most one runs are 0 or 1.
struct ChildCounts {
  int backends = 0;     // client backends (not walsenders, not dead-ends)
  int walsenders = 0;
  int dead_ends = 0;
  int startup = 0;
  int checkpointer = 0;
  int walreceiver = 0;
  [[nodiscard]] int total() const {
    return backends + walsenders + dead_ends + startup + checkpointer + walreceiver;
  }
};

struct ChildKindInfo {
  ChildKind kind;
  const char* backend_type;  // log TYPE, ps title, pg_stat_activity.backend_type, events' child_type
  const char* log_name;         // in "<log_name> (PID N) exited with exit code 1"
  int ChildCounts::*count;        // where ChildTable::counts() counts it
};

inline constexpr std::array<ChildKindInfo, kNumChildKinds> kChildKinds = {{
    {ChildKind::Startup, "startup", "startup process", &ChildCounts::startup},
    {ChildKind::Checkpointer, "checkpointer", "checkpointer process", &ChildCounts::checkpointer},
    {ChildKind::Backend, "client backend", "server process", &ChildCounts::backends},
    {ChildKind::WalSender, "walsender", "server process", &ChildCounts::walsenders},
    {ChildKind::DeadEnd, "client backend", "server process", &ChildCounts::dead_ends},  // a refused connection
    {ChildKind::WalReceiver, "walreceiver", "WAL receiver process", &ChildCounts::walreceiver},
}};

[[nodiscard]] constexpr const ChildKindInfo& child_kind(ChildKind k) { return kChildKinds[static_cast<std::size_t>(k)]; }

// The table is indexed by the enum: each row must sit at its kind's value.
static_assert([] {
  for (std::size_t i = 0; i < kNumChildKinds; ++i)
    if (static_cast<std::size_t>(kChildKinds[i].kind) != i) return false;
  return true;
}());

}  // namespace pmemu::postmaster
