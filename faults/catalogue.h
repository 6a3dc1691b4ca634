// The catalogue of fault points (SPEC 10.3): every named point in the code,
// with the process kind that passes it. A point's id is its index here, and
// its slot in the shared registry (faults/registry.h) has the same index, so
// the catalogue is compiled into every binary that arms or checks points.
// FAULT_POINT("name") resolves the name at compile time: a misspelt name does
// not build.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pmemu::faults {

struct PointInfo {
  std::string_view name;
  std::string_view process;  // SPEC 4 process type
  std::string_view where;    // one line for docs and `pmctl fault list`
};

inline constexpr std::size_t kMaxPoints = 64;  // registry slots

inline constexpr std::array kPoints = {
    PointInfo{"postmaster.before_state.PM_INIT", "postmaster", "shared memory made, before the first fork"},
    PointInfo{"postmaster.before_state.PM_STARTUP", "postmaster", "entering PM_STARTUP"},
    PointInfo{"postmaster.before_state.PM_RECOVERY", "postmaster", "entering PM_RECOVERY"},
    PointInfo{"postmaster.before_state.PM_HOT_STANDBY", "postmaster", "entering PM_HOT_STANDBY"},
    PointInfo{"postmaster.before_state.PM_RUN", "postmaster", "entering PM_RUN"},
    PointInfo{"postmaster.before_state.PM_STOP_BACKENDS", "postmaster", "entering PM_STOP_BACKENDS"},
    PointInfo{"postmaster.before_state.PM_WAIT_BACKENDS", "postmaster", "entering PM_WAIT_BACKENDS"},
    PointInfo{"postmaster.before_state.PM_SHUTDOWN", "postmaster", "entering PM_SHUTDOWN"},
    PointInfo{"postmaster.before_state.PM_SHUTDOWN_2", "postmaster", "entering PM_SHUTDOWN_2"},
    PointInfo{"postmaster.before_state.PM_WAIT_DEAD_END", "postmaster", "entering PM_WAIT_DEAD_END"},
    PointInfo{"postmaster.before_state.PM_NO_CHILDREN", "postmaster", "entering PM_NO_CHILDREN"},
    PointInfo{"postmaster.before_fork", "postmaster", "before forking any child"},
    PointInfo{"checkpointer.before_shutdown_checkpoint", "checkpointer", "asked for the shutdown checkpoint"},
    PointInfo{"checkpointer.before_checkpoint", "checkpointer", "before any checkpoint it makes"},
    PointInfo{"checkpointer.after_checkpoint_record", "checkpointer", "checkpoint record inserted, not flushed"},
    PointInfo{"checkpointer.before_control_update", "checkpointer", "before pg_control records the checkpoint"},
    PointInfo{"walsender.before_start_streaming", "walsender", "START_REPLICATION accepted"},
    PointInfo{"walsender.before_send", "walsender", "before each WAL message"},
    PointInfo{"walsender.before_final_send", "walsender", "told to stop, before sending the rest"},
    PointInfo{"walreceiver.before_connect", "walreceiver", "before connecting to the primary"},
    PointInfo{"walreceiver.after_write_before_flush", "walreceiver", "WAL written, not yet flushed"},
    PointInfo{"backend.before_auth", "client backend", "start-up packet read, before authentication"},
    PointInfo{"backend.after_wal_insert_before_flush", "client backend", "commit record inserted, not flushed"},
    PointInfo{"backend.before_commit_reply", "client backend", "committed, before the reply"},
    PointInfo{"startup.before_redo", "startup", "before the first record is replayed"},
    PointInfo{"startup.mid_redo", "startup", "before each replayed record"},
    PointInfo{"startup.before_end_of_recovery_checkpoint", "startup", "redo done, before the end-of-recovery checkpoint"},
    PointInfo{"startup.before_promote", "startup", "promotion asked, before the new timeline"},
};
static_assert(kPoints.size() <= kMaxPoints);

using PointId = std::uint32_t;

consteval PointId point_id(std::string_view name) {
  for (std::size_t i = 0; i < kPoints.size(); ++i)
    if (kPoints[i].name == name) return static_cast<PointId>(i);
  throw "unknown fault point";  // not a constant expression: a compile error
}

// Run-time lookup (pmctl, the setting).
constexpr std::optional<PointId> find_point(std::string_view name) {
  for (std::size_t i = 0; i < kPoints.size(); ++i)
    if (kPoints[i].name == name) return static_cast<PointId>(i);
  return std::nullopt;
}

}  // namespace pmemu::faults
