// global/pg_control: the cluster's durable state (docs/pg_control.md).
//
// Written only by the process that owns the cluster state at that moment
// (startup during recovery, checkpointer afterwards; pmctl init before any
// server), always whole: packed little-endian with a magic, a version and a
// CRC-32C, zero-padded to 8192 bytes, written to pg_control.tmp, fsynced,
// renamed over pg_control, directory fsynced. A reader therefore sees either
// the old or the new file, and a CRC failure means the disk, not us, is bad.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "wal/lsn.h"
#include "wal/result.h"

namespace pmemu::wal {

// PostgreSQL's DBState values: stored on disk, do not renumber.
enum class DbState : std::uint32_t {
  Startup = 0,
  ShutDown = 1,
  ShutDownInRecovery = 2,
  ShutDowning = 3,
  InCrashRecovery = 4,
  InArchiveRecovery = 5,
  InProduction = 6,
};

// pg_controldata's wording: "shut down", "in production", ...
[[nodiscard]] std::string_view db_state_name(DbState s);

struct ControlFile {
  std::uint64_t system_identifier = 0;
  DbState state = DbState::Startup;
  std::int64_t time = 0;  // unix seconds of this write ("pg_control last modified")
  Lsn checkpoint;         // start of the latest checkpoint record
  Lsn redo;               // its redo point
  TimeLineId tli;
  TimeLineId prev_tli;
  Lsn min_recovery_point;
  TimeLineId min_recovery_tli;
  std::uint32_t wal_segment_size = 0;
  std::int64_t checkpoint_time = 0;  // unix seconds of the latest checkpoint
  friend bool operator==(const ControlFile&, const ControlFile&) = default;
};

inline constexpr std::size_t kControlFileSize = 8192;
inline constexpr std::uint32_t kControlFileMagic = 0x4C544350;  // "PCTL" read little-endian
inline constexpr std::uint32_t kControlFileVersion = 1;

[[nodiscard]] std::array<std::byte, kControlFileSize> pack_control_file(const ControlFile& c);
// Checks size, magic, version, CRC and field ranges; the error names `path`.
[[nodiscard]] Result<ControlFile> unpack_control_file(std::span<const std::byte> bytes, const std::string& path);

// DATADIR/global/pg_control.
[[nodiscard]] Result<ControlFile> read_control_file(const std::string& datadir);
[[nodiscard]] Status write_control_file(const std::string& datadir, const ControlFile& c);

// The pg_controldata lines (values from column 39, one per line, each ending
// in '\n'). Times print as pg_controldata prints them ("%c", local time).
[[nodiscard]] std::string render_controldata(const ControlFile& c);

}  // namespace pmemu::wal
