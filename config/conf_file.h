// Reading postgresql.conf and postgresql.auto.conf into (name, value, line)
// entries, in file order. Boost.Program_options does the `name = value`
// split; a first pass of ours adds what PostgreSQL's lexer allows and
// Program_options does not: `name value` without '=', '#' inside a quoted
// value, and line numbers for messages. Values come back unquoted: one level
// of single quotes removed, '' and \' read as a quote, \n \t \\ escapes.
//
// Nothing here knows which names exist; Config validates the entries.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace pmemu::config {

struct ConfEntry {
  std::string name;   // as written (names compare case-insensitively later)
  std::string value;  // unquoted
  std::string file;   // path for messages
  int line = 0;
};

struct ConfFileResult {
  std::vector<ConfEntry> entries;
  std::string error;  // empty on success; PostgreSQL's wording otherwise
  [[nodiscard]] bool ok() const { return error.empty(); }
};

// Parses the text of one configuration file; `file_name` only labels entries
// and messages.
[[nodiscard]] ConfFileResult parse_conf_text(std::string_view text, const std::string& file_name);

// Reads and parses `path`. A missing file is an error unless `missing_ok`
// (postgresql.auto.conf may be absent), in which case there are no entries.
[[nodiscard]] ConfFileResult read_conf_file(const std::filesystem::path& path, bool missing_ok);

// Writes `text` as `value` would appear in a configuration file: bare when it
// is a plain word or number, else single-quoted with quotes doubled.
[[nodiscard]] std::string quote_conf_value(std::string_view text);

}  // namespace pmemu::config
