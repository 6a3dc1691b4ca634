// Reading and printing one setting's value, with PostgreSQL's rules and
// wording (guc.c parse_bool, parse_int, convert_to_base_unit, _ShowOption).
//
// Values are stored in the setting's base unit: checkpoint_timeout "5min" is
// the Int 300 (seconds), kv_table_size "256MB" the Int 262144 (kB).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/sqlstate.h"
#include "config/guc_table.h"

namespace pmemu::config {

// Bool for Bool, int64 for Int and for Enum (the option's value), double for
// Real, string for String.
using GucValue = std::variant<bool, std::int64_t, double, std::string>;

// A refusal as PostgreSQL reports it: message, optional HINT, SQLSTATE.
struct GucError {
  std::string message;
  std::string hint;
  std::string sqlstate{pmemu::sqlstate::kInvalidParameterValue};
};

struct ParsedValue {
  std::optional<GucValue> value;  // set on success
  GucError error;                 // meaningful when !value
  [[nodiscard]] bool ok() const { return value.has_value(); }
};

// PostgreSQL's parse_bool: on/off/true/false/yes/no/1/0, any case, unique
// prefixes of true/false/yes/no and of on/off past "o".
[[nodiscard]] std::optional<bool> parse_bool(std::string_view text);

// Parses `text` (already unquoted) for `def`, including unit and range checks.
[[nodiscard]] ParsedValue parse_value(const GucDef& def, std::string_view text);

// SHOW's rendering: largest unit dividing the value exactly ("16MB", "5min"),
// non-positive numbers bare ("0", "-1"), bools on/off, octal modes "0700".
[[nodiscard]] std::string format_value(const GucDef& def, const GucValue& value);

// Bytes per base unit for memory settings, milliseconds per base unit for time
// settings (Bytes 1, KiloBytes 1024, Ms 1, S 1000, Min 60000); 1 for None.
[[nodiscard]] std::int64_t unit_scale(GucUnit unit);

}  // namespace pmemu::config
