// The settings in force in one process (PostgreSQL's GUC variables).
//
// Layers, each later one winning: built-in defaults <- postgresql.conf <-
// postgresql.auto.conf <- command-line `-c name=value` <- a session's SET.
// Every process holds its own Config: the postmaster loads it, children
// inherit it through fork(), and each process calls reload() on SIGHUP, as
// PostgreSQL's processes each re-read the files. A backend applies SET to its
// own copy, so sessions never see each other's values. Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/elog.h"
#include "config/guc_table.h"
#include "config/guc_value.h"
#include "config/settings.h"

namespace pmemu::config {

// One `-c name=value` from the command line (or `pmctl init -c`).
struct Override {
  std::string name;
  std::string value;
};

// Splits "name=value"; nullopt without '=' or with an empty name. Throws
// nothing: the caller turns nullopt into its usage error.
[[nodiscard]] std::optional<Override> parse_override(std::string_view arg);

// A line for the server log: what reload() did, at the level PostgreSQL uses.
struct ConfigMessage {
  elog::Level level = elog::Level::Log;
  std::string message;
  std::string hint;  // empty when there is none
};

// Where a value in force came from, lowest priority first (do not reorder:
// comparisons decide which source may replace which).
enum class GucSource { Default, File, CommandLine, Internal };

struct ShowRow {
  std::string name;
  std::string setting;
  std::string description;
};

struct LoadResult;

class Config {
 public:
  // Built-in defaults only; data_directory and unix_socket_directories empty.
  Config();

  // Reads DATA_DIR/postgresql.conf (required), DATA_DIR/postgresql.auto.conf
  // (optional) and applies `overrides`. Any unknown name, bad value or
  // syntax error is reported; the caller prints each as FATAL and exits.
  [[nodiscard]] static LoadResult load(const std::filesystem::path& data_dir, std::span<const Override> overrides);

  // Re-reads the files (SIGHUP). Changed reload-time and session settings are
  // applied and reported; bad values keep the old value; postmaster-context
  // changes wait for a restart; an unknown name or a syntax error applies
  // nothing. -c values keep priority over the files.
  [[nodiscard]] std::vector<ConfigMessage> reload();

  // SET name = value / RESET name in a session, with PostgreSQL's refusals
  // (42704 unknown, 55P02 cannot be changed now, 22023 bad value).
  [[nodiscard]] std::optional<GucError> set_session(std::string_view name, std::string_view value);
  [[nodiscard]] std::optional<GucError> reset_session(std::string_view name);

  // For the server itself: values it learns at run time and clients may only
  // read (wal_segment_size from pg_control, in_hot_standby, is_superuser,
  // session_authorization). Any context is allowed; the value is validated.
  [[nodiscard]] std::optional<GucError> set_internal(std::string_view name, std::string_view value);

  // Typed reads of a known setting, in its base unit (checkpoint_timeout in
  // seconds, kv_table_size in kB). Asking for an unknown name or the wrong
  // type is a programming error and aborts.
  [[nodiscard]] std::int64_t get_int(std::string_view name) const;
  [[nodiscard]] double get_real(std::string_view name) const;
  [[nodiscard]] bool get_bool(std::string_view name) const;
  [[nodiscard]] const std::string& get_string(std::string_view name) const;
  [[nodiscard]] std::string_view get_enum(std::string_view name) const;  // canonical option name
  [[nodiscard]] int get_enum_value(std::string_view name) const;

  // SHOW name: the value as PostgreSQL prints it, or 42704
  // `unrecognized configuration parameter "x"`.
  [[nodiscard]] std::optional<std::string> show(std::string_view name, GucError* error = nullptr) const;
  // SHOW ALL, sorted by name as PostgreSQL sorts it.
  [[nodiscard]] std::vector<ShowRow> show_all() const;
  // The table's spelling of a name ("datestyle" -> "DateStyle"), for SHOW's column header.
  [[nodiscard]] std::optional<std::string_view> canonical_name(std::string_view name) const;

  [[nodiscard]] GucSource source(std::string_view name) const;
  [[nodiscard]] Settings settings() const;
  [[nodiscard]] const std::filesystem::path& data_dir() const { return data_dir_; }

 private:
  struct Slot {
    GucValue value;                  // from default, files, -c or the server
    GucSource source = GucSource::Default;
    std::optional<GucValue> session; // SET in this session; wins over value
  };

  [[nodiscard]] GucValue default_for(std::size_t index) const;
  [[nodiscard]] const GucValue& current(std::string_view name, GucType expected) const;
  [[nodiscard]] std::vector<ConfigMessage> apply_file_entries(bool at_startup, std::vector<GucError>* fatal);

  std::filesystem::path data_dir_;
  std::vector<Slot> slots_;  // parallel to guc_table()
};

struct LoadResult {
  std::optional<Config> config;  // set when errors is empty
  std::vector<GucError> errors;  // each is a FATAL at start-up
};

// Writes DATA_DIR/postgresql.conf as `pmctl init` does: every settable
// setting commented out at its default, then `overrides` as live lines.
// Empty string on success, else the first error (an unknown name or bad value
// in `overrides`, or an I/O failure).
[[nodiscard]] std::string write_default_conf(const std::filesystem::path& path, std::span<const Override> overrides);

}  // namespace pmemu::config
