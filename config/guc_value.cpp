#include "config/guc_value.h"

#include <vector>

#include "faults/spec.h"

#include "common/ascii.h"

#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <strings.h>

namespace pmemu::config {
namespace {

constexpr std::string_view kMemoryHint =
    "Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".";
constexpr std::string_view kTimeHint =
    "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".";

struct UnitName {
  std::string_view name;
  double atoms;  // bytes for memory units, microseconds for time units
};

// Greatest first: SHOW takes the first that divides the value exactly.
constexpr std::array<UnitName, 5> kMemoryUnits = {{
    {"TB", 1024.0 * 1024 * 1024 * 1024}, {"GB", 1024.0 * 1024 * 1024}, {"MB", 1024.0 * 1024},
    {"kB", 1024.0}, {"B", 1.0}}};
constexpr std::array<UnitName, 6> kTimeUnits = {{
    {"d", 86400e6}, {"h", 3600e6}, {"min", 60e6}, {"s", 1e6}, {"ms", 1e3}, {"us", 1.0}}};

bool is_memory(GucUnit u) { return u == GucUnit::Bytes || u == GucUnit::KiloBytes || u == GucUnit::MegaBytes; }

double base_atoms(GucUnit u) {
  switch (u) {
    case GucUnit::Bytes: return 1.0;
    case GucUnit::KiloBytes: return 1024.0;
    case GucUnit::MegaBytes: return 1024.0 * 1024;
    case GucUnit::Ms: return 1e3;
    case GucUnit::S: return 1e6;
    case GucUnit::Min: return 60e6;
    case GucUnit::None: break;
  }
  return 1.0;
}

std::span<const UnitName> units_for(GucUnit u) {
  if (is_memory(u)) return kMemoryUnits;
  return kTimeUnits;
}

std::string_view unit_label(GucUnit u) {
  switch (u) {
    case GucUnit::Bytes: return "B";
    case GucUnit::KiloBytes: return "kB";
    case GucUnit::MegaBytes: return "MB";
    case GucUnit::Ms: return "ms";
    case GucUnit::S: return "s";
    case GucUnit::Min: return "min";
    case GucUnit::None: break;
  }
  return "";
}

bool prefix_ci(std::string_view text, std::string_view word, std::size_t min_len) {
  if (text.size() < min_len || text.size() > word.size()) return false;
  return strncasecmp(text.data(), word.data(), text.size()) == 0;
}

// convert_to_base_unit: `unit` has no leading space; trailing space allowed.
std::optional<double> to_base_unit(double value, std::string_view unit, GucUnit base) {
  std::size_t end = unit.find_first_of(" \t\n\r\f\v");
  std::string_view name = unit.substr(0, end);
  if (end != std::string_view::npos) {
    for (char c : unit.substr(end)) {
      if (!std::isspace(static_cast<unsigned char>(c))) return std::nullopt;
    }
  }
  auto table = units_for(base);
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (table[i].name != name) continue;
    double scaled = value * table[i].atoms / base_atoms(base);
    // "30.1GB" rounds to a whole number of the next smaller unit, as PostgreSQL does.
    if (i + 1 < table.size()) {
      double next = table[i + 1].atoms / base_atoms(base);
      scaled = std::rint(scaled / next) * next;
    }
    return scaled;
  }
  return std::nullopt;
}

std::string quoted_invalid(const GucDef& def, std::string_view text) {
  return "invalid value for parameter \"" + std::string(def.name) + "\": \"" + std::string(text) + "\"";
}

ParsedValue fail(std::string message, std::string hint = {}) {
  ParsedValue r;
  r.error.message = std::move(message);
  r.error.hint = std::move(hint);
  return r;
}

ParsedValue ok(GucValue v) {
  ParsedValue r;
  r.value = std::move(v);
  return r;
}

// strtol with base 0 ("0700" is octal, "0x10" hex), falling back to strtod at
// a '.' or exponent, then an optional unit: PostgreSQL's parse_int.
ParsedValue parse_int(const GucDef& def, std::string_view text) {
  std::string s(text);
  const char* begin = s.c_str();
  char* end = nullptr;
  errno = 0;
  double val = static_cast<double>(std::strtol(begin, &end, 0));
  if (*end == '.' || *end == 'e' || *end == 'E' || errno == ERANGE) {
    errno = 0;
    val = std::strtod(begin, &end);
  }
  if (end == begin || errno == ERANGE || std::isnan(val)) return fail(quoted_invalid(def, text));
  while (std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (*end != '\0') {
    auto hint = std::string(is_memory(def.unit) ? kMemoryHint : kTimeHint);
    if (def.unit == GucUnit::None) return fail(quoted_invalid(def, text));
    auto converted = to_base_unit(val, end, def.unit);
    if (!converted) return fail(quoted_invalid(def, text), hint);
    val = *converted;
  }
  val = std::rint(val);
  if (val > INT_MAX || val < INT_MIN) return fail(quoted_invalid(def, text), "Value exceeds integer range.");
  auto n = static_cast<std::int64_t>(val);
  if (val < def.min || val > def.max) {
    auto label = unit_label(def.unit);
    char buf[256];
    std::snprintf(buf, sizeof buf, "%lld%s%s is outside the valid range for parameter \"%s\" (%lld .. %lld)",
                  static_cast<long long>(n), label.empty() ? "" : " ", std::string(label).c_str(),
                  std::string(def.name).c_str(), static_cast<long long>(def.min),
                  static_cast<long long>(def.max));
    return fail(buf);
  }
  return ok(GucValue{std::in_place_type<std::int64_t>, n});
}

ParsedValue parse_real(const GucDef& def, std::string_view text) {
  std::string s(text);
  char* end = nullptr;
  errno = 0;
  double val = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || errno == ERANGE || std::isnan(val)) return fail(quoted_invalid(def, text));
  while (std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (*end != '\0') return fail(quoted_invalid(def, text));
  if (val < def.min || val > def.max) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "%g is outside the valid range for parameter \"%s\" (%g .. %g)", val,
                  std::string(def.name).c_str(), def.min, def.max);
    return fail(buf);
  }
  return ok(GucValue{std::in_place_type<double>, val});
}

ParsedValue parse_enum(const GucDef& def, std::string_view text) {
  for (const auto& opt : def.options) {
    if (ascii_iequals(opt.name, text)) return ok(GucValue{std::in_place_type<std::int64_t>, opt.value});
  }
  std::string list;
  for (const auto& opt : def.options) {
    if (opt.hidden) continue;
    if (!list.empty()) list += ", ";
    list += opt.name;
  }
  return fail(quoted_invalid(def, text), "Available values: " + list + ".");
}

std::string format_int(const GucDef& def, std::int64_t v) {
  char buf[64];
  if (def.show_octal) {
    std::snprintf(buf, sizeof buf, "%04llo", static_cast<unsigned long long>(v));
    return buf;
  }
  if (def.unit == GucUnit::None || v <= 0) return std::to_string(v);
  double atoms = static_cast<double>(v) * base_atoms(def.unit);
  for (const auto& u : units_for(def.unit)) {
    double mult = u.atoms / base_atoms(def.unit);
    if (mult <= 1.0 || v % static_cast<std::int64_t>(mult) == 0) {
      std::snprintf(buf, sizeof buf, "%lld%s", static_cast<long long>(std::rint(atoms / u.atoms)),
                    std::string(u.name).c_str());
      return buf;
    }
  }
  return std::to_string(v);
}

}  // namespace

std::int64_t unit_scale(GucUnit unit) {
  switch (unit) {
    case GucUnit::Bytes: return 1;
    case GucUnit::KiloBytes: return 1024;
    case GucUnit::MegaBytes: return 1024 * 1024;
    case GucUnit::Ms: return 1;
    case GucUnit::S: return 1000;
    case GucUnit::Min: return 60000;
    case GucUnit::None: break;
  }
  return 1;
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text.empty()) return std::nullopt;
  switch (std::tolower(static_cast<unsigned char>(text[0]))) {
    case 't': if (prefix_ci(text, "true", 1)) return true; break;
    case 'f': if (prefix_ci(text, "false", 1)) return false; break;
    case 'y': if (prefix_ci(text, "yes", 1)) return true; break;
    case 'n': if (prefix_ci(text, "no", 1)) return false; break;
    case 'o':  // "o" alone could be on or off
      if (prefix_ci(text, "on", 2)) return true;
      if (prefix_ci(text, "off", 2)) return false;
      break;
    case '1': if (text.size() == 1) return true; break;
    case '0': if (text.size() == 1) return false; break;
    default: break;
  }
  return std::nullopt;
}

ParsedValue parse_value(const GucDef& def, std::string_view text) {
  // A zero byte (possible only from a configuration file's bytes) would be
  // cut off by every C string the value later passes through and cannot be
  // sent in a protocol string at all, so no value may hold one.
  if (text.find('\0') != std::string_view::npos) {
    std::string shown;
    for (char c : text) shown += c == '\0' ? std::string("\\0") : std::string(1, c);
    return fail(quoted_invalid(def, shown), "Setting values cannot contain a zero byte.");
  }
  switch (def.type) {
    case GucType::Bool: {
      auto b = parse_bool(text);
      if (!b) return fail("parameter \"" + std::string(def.name) + "\" requires a Boolean value");
      return ok(GucValue{std::in_place_type<bool>, *b});
    }
    case GucType::Int: return parse_int(def, text);
    case GucType::Real: return parse_real(def, text);
    case GucType::Enum: return parse_enum(def, text);
    case GucType::String: {
      if (def.name == "fault_points") {
        std::vector<faults::NamedSpec> entries;
        std::string why;
        if (!faults::parse_setting(text, &entries, &why)) return fail(quoted_invalid(def, text) + ": " + why);
      }
      return ok(GucValue{std::in_place_type<std::string>, std::string(text)});
    }
  }
  return fail(quoted_invalid(def, text));
}

std::string format_value(const GucDef& def, const GucValue& value) {
  switch (def.type) {
    case GucType::Bool: return std::get<bool>(value) ? "on" : "off";
    case GucType::Int: return format_int(def, std::get<std::int64_t>(value));
    case GucType::Real: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", std::get<double>(value));
      return buf;
    }
    case GucType::Enum:
      for (const auto& opt : def.options) {
        if (opt.value == std::get<std::int64_t>(value)) return std::string(opt.name);
      }
      return "???";  // unreachable: values come from the option list
    case GucType::String: return std::get<std::string>(value);
  }
  return {};
}

}  // namespace pmemu::config
