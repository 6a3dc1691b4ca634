// The table of every setting the server knows (PostgreSQL's guc_tables.c).
//
// One row per setting: its type, base unit, default, range, enum values and
// the context that says when it may change. The table is constant data; the
// values in force live in Config (config/config.h). Names compare
// case-insensitively, as PostgreSQL's do; the spelling here ("DateStyle") is
// the one SHOW and ParameterStatus use.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace pmemu::config {

enum class GucType { Bool, Int, Real, String, Enum };

// The unit a bare number is read in and values are stored in (GUC_UNIT_*).
enum class GucUnit { None, Bytes, KiloBytes, MegaBytes, Ms, S, Min };

// When a setting may change (GucContext), from never to any session.
enum class GucContext {
  Internal,    // fixed by the build or the cluster (pg_control); read-only
  Postmaster,  // at server start only; a reload logs "cannot be changed without restarting"
  Sighup,      // postgresql.conf + reload; not per session
  User,        // any session may SET it
};

// One allowed value of an enum setting. Hidden ones are accepted aliases
// (synchronous_commit "true") that hints never list.
struct EnumOption {
  std::string_view name;
  int value;
  bool hidden = false;
};

struct GucDef {
  std::string_view name;
  GucType type;
  GucContext context;
  GucUnit unit;
  std::string_view boot_value;  // in the syntax a user would write it
  double min = 0;               // Int and Real only
  double max = 0;
  std::span<const EnumOption> options;  // Enum only
  std::string_view description;
  bool show_octal = false;  // SHOW prints "0700" (data_directory_mode, unix_socket_permissions)
};

// Every setting, in a fixed order; Config keeps one value per row, by index.
[[nodiscard]] std::span<const GucDef> guc_table();

// Index of `name` in guc_table(), case-insensitive; nullopt if unknown.
[[nodiscard]] std::optional<std::size_t> find_guc(std::string_view name);

// Values of synchronous_commit, PostgreSQL's SyncCommitLevel order (do not renumber).
enum class SyncCommit { Off = 0, Local = 1, RemoteWrite = 2, On = 3, RemoteApply = 4 };

}  // namespace pmemu::config
