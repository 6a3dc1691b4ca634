// write_default_conf: the postgresql.conf that `pmctl init` leaves behind,
// in the spirit of initdb's postgresql.conf.sample.
#include <sstream>

#include "config/conf_file.h"
#include "config/config.h"
#include "config/durable_file.h"

namespace pmemu::config {
namespace {

constexpr std::string_view kHeader =
    "# pmemu configuration file, written by pmctl init.\n"
    "#\n"
    "# One \"name = value\" per line; '#' starts a comment; strings in single\n"
    "# quotes ('' is a quote). Memory units: B kB MB GB TB; time units: us ms\n"
    "# s min h d; a bare number is in the setting's base unit. Names are\n"
    "# case-insensitive and a name given twice takes its last value.\n"
    "# postgresql.auto.conf is read after this file and -c options after both.\n"
    "# (restart) marks settings read only at server start; the others take\n"
    "# effect on \"pmctl reload\".\n\n";

std::string commented_line(const GucDef& def) {
  std::string value = std::string(def.name) == "unix_socket_directories"
                          ? "''"
                          : quote_conf_value(format_value(def, *parse_value(def, def.boot_value).value));
  if (def.type == GucType::String && value.front() != '\'') value = "'" + value + "'";
  std::string line = "#" + std::string(def.name) + " = " + value;
  if (line.size() < 40) line.append(40 - line.size(), ' ');
  line += "# ";
  if (def.context == GucContext::Postmaster) line += "(restart) ";
  line += def.description;
  if (std::string(def.name) == "unix_socket_directories") line += " Default: the data directory.";
  return line + "\n";
}

}  // namespace

std::string write_default_conf(const std::filesystem::path& path, std::span<const Override> overrides) {
  std::ostringstream out;
  out << kHeader;
  for (const GucDef& def : guc_table()) {
    if (def.context == GucContext::Internal || def.name == "data_directory") continue;
    out << commented_line(def);
  }
  if (!overrides.empty()) out << "\n# Given to pmctl init:\n";
  for (const Override& o : overrides) {
    auto idx = find_guc(o.name);
    if (!idx) return "unrecognized configuration parameter \"" + o.name + "\"";
    const GucDef& def = guc_table()[*idx];
    if (def.context == GucContext::Internal || def.name == "data_directory")
      return "parameter \"" + std::string(def.name) + "\" cannot be changed";
    ParsedValue p = parse_value(def, o.value);
    if (!p.ok()) return p.error.message;
    out << def.name << " = " << quote_conf_value(o.value) << "\n";
  }
  return write_file_durably(path, out.str(), 0600);
}

}  // namespace pmemu::config
