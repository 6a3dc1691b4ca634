#include "config/config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "common/sqlstate.h"
#include "config/conf_file.h"

namespace pmemu::config {
namespace {

constexpr const char* kConfFile = "postgresql.conf";
constexpr const char* kAutoConfFile = "postgresql.auto.conf";

GucError error(std::string message, std::string_view code, std::string hint = {}) {
  return GucError{std::move(message), std::move(hint), std::string(code)};
}

std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }

GucError unrecognized(std::string_view name) {
  return error("unrecognized configuration parameter " + q(name), sqlstate::kUndefinedObject);
}

GucError cannot_change(const GucDef& def) {
  std::string name = q(def.name);
  if (def.context == GucContext::Internal) return error("parameter " + name + " cannot be changed", sqlstate::kCantChangeRuntimeParam);
  if (def.context == GucContext::Postmaster)
    return error("parameter " + name + " cannot be changed without restarting the server", sqlstate::kCantChangeRuntimeParam);
  return error("parameter " + name + " cannot be changed now", sqlstate::kCantChangeRuntimeParam);
}

GucValue boot_value(const GucDef& def) {
  ParsedValue p = parse_value(def, def.boot_value);
  if (!p.ok()) std::abort();  // the table itself is wrong: caught by the first unit test
  return *p.value;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void misuse() { std::abort(); }

}  // namespace

std::optional<Override> parse_override(std::string_view arg) {
  std::size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  Override o{std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1))};
  // PostgreSQL's ParseLongOption: "-c log-min-messages=x" means log_min_messages.
  std::replace(o.name.begin(), o.name.end(), '-', '_');
  return o;
}

Config::Config() {
  for (const GucDef& def : guc_table()) slots_.push_back(Slot{boot_value(def)});
}

LoadResult Config::load(const std::filesystem::path& data_dir, std::span<const Override> overrides) {
  Config c;
  std::error_code ec;
  c.data_dir_ = std::filesystem::absolute(data_dir, ec);
  if (ec) c.data_dir_ = data_dir;
  std::size_t dd = *find_guc("data_directory");
  c.slots_[dd].value = c.data_dir_.string();
  c.slots_[dd].source = GucSource::Internal;
  std::size_t sd = *find_guc("unix_socket_directories");
  c.slots_[sd].value = c.default_for(sd);

  LoadResult result;
  (void)c.apply_file_entries(/*at_startup=*/true, &result.errors);
  for (const Override& o : overrides) {
    auto idx = find_guc(o.name);
    if (!idx) { result.errors.push_back(unrecognized(o.name)); continue; }
    const GucDef& def = guc_table()[*idx];
    if (def.context == GucContext::Internal) { result.errors.push_back(cannot_change(def)); continue; }
    ParsedValue p = parse_value(def, o.value);
    if (!p.ok()) { result.errors.push_back(p.error); continue; }
    c.slots_[*idx].value = *p.value;
    c.slots_[*idx].source = GucSource::CommandLine;
  }
  if (result.errors.empty()) result.config = std::move(c);
  return result;
}

std::vector<ConfigMessage> Config::reload() { return apply_file_entries(/*at_startup=*/false, nullptr); }

// PostgreSQL's ProcessConfigFileInternal. At start-up every problem goes to
// `fatal`; on reload each becomes a LOG line and the good lines still apply,
// except that a syntax error or an unknown name applies nothing.
std::vector<ConfigMessage> Config::apply_file_entries(bool at_startup, std::vector<GucError>* fatal) {
  std::vector<ConfigMessage> messages;
  std::vector<GucError> errors;
  std::string error_file;
  auto finish = [&](bool applied_some) {
    if (errors.empty()) return messages;
    if (at_startup) {
      fatal->insert(fatal->end(), errors.begin(), errors.end());
      return messages;
    }
    for (auto& e : errors) messages.push_back(ConfigMessage{elog::Level::Log, e.message, e.hint});
    messages.push_back(ConfigMessage{elog::Level::Log,
                                     "configuration file " + q(error_file) + " contains errors; " +
                                         (applied_some ? "unaffected changes were applied" : "no changes were applied"),
                                     {}});
    return messages;
  };

  std::vector<ConfEntry> entries;
  for (auto [name, missing_ok] : {std::pair{kConfFile, false}, std::pair{kAutoConfFile, true}}) {
    std::filesystem::path path = data_dir_ / name;
    ConfFileResult r = read_conf_file(path, missing_ok);
    if (!r.ok()) {
      errors.push_back(error(r.error, sqlstate::kConfigFileError));
      error_file = path.string();
      return finish(false);
    }
    entries.insert(entries.end(), r.entries.begin(), r.entries.end());
  }

  std::vector<const ConfEntry*> chosen(slots_.size(), nullptr);  // a later line wins
  for (const ConfEntry& e : entries) {
    auto idx = find_guc(e.name);
    if (!idx) {
      errors.push_back(error("unrecognized configuration parameter " + q(e.name) + " in file " + q(e.file) +
                                 " line " + std::to_string(e.line),
                             sqlstate::kUndefinedObject));
      if (error_file.empty()) error_file = e.file;
      continue;
    }
    chosen[*idx] = &e;
  }
  if (!errors.empty()) return finish(false);

  auto table = guc_table();
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const GucDef& def = table[i];
    Slot& slot = slots_[i];
    const ConfEntry* e = chosen[i];
    if (!e) {
      if (at_startup || slot.source != GucSource::File) continue;
      GucValue boot = default_for(i);
      if (def.context == GucContext::Postmaster) {
        if (boot == slot.value) continue;
        errors.push_back(cannot_change(def));
        if (error_file.empty()) error_file = (data_dir_ / kConfFile).string();
        continue;
      }
      slot.value = boot;
      slot.source = GucSource::Default;
      messages.push_back(ConfigMessage{elog::Level::Log,
                                       "parameter " + q(def.name) + " removed from configuration file, reset to default",
                                       {}});
      continue;
    }
    if (slot.source > GucSource::File) continue;  // -c and the server's own values outrank the files
    auto fail = [&](GucError err) {
      errors.push_back(std::move(err));
      if (error_file.empty()) error_file = e->file;
    };
    if (def.context == GucContext::Internal) { fail(cannot_change(def)); continue; }
    ParsedValue p = parse_value(def, e->value);
    if (!p.ok()) { fail(p.error); continue; }
    bool changed = *p.value != slot.value;
    if (!at_startup && def.context == GucContext::Postmaster && changed) {
      fail(cannot_change(def));
      continue;
    }
    slot.value = *p.value;
    slot.source = GucSource::File;
    if (!at_startup && changed)
      messages.push_back(ConfigMessage{elog::Level::Log, "parameter " + q(def.name) + " changed to " + q(e->value), {}});
  }
  return finish(true);
}

// The built-in default, except that the socket directory defaults to the
// data directory, as the SPEC asks.
GucValue Config::default_for(std::size_t index) const {
  const GucDef& def = guc_table()[index];
  if (def.name == "unix_socket_directories" && !data_dir_.empty()) return data_dir_.string();
  return boot_value(def);
}

std::optional<GucError> Config::set_session(std::string_view name, std::string_view value) {
  auto idx = find_guc(name);
  if (!idx) return unrecognized(name);
  const GucDef& def = guc_table()[*idx];
  if (def.context != GucContext::User) return cannot_change(def);
  ParsedValue p = parse_value(def, value);
  if (!p.ok()) return p.error;
  slots_[*idx].session = *p.value;
  return std::nullopt;
}

std::optional<GucError> Config::reset_session(std::string_view name) {
  auto idx = find_guc(name);
  if (!idx) return unrecognized(name);
  const GucDef& def = guc_table()[*idx];
  if (def.context != GucContext::User) return cannot_change(def);
  slots_[*idx].session.reset();
  return std::nullopt;
}

std::optional<GucError> Config::set_internal(std::string_view name, std::string_view value) {
  auto idx = find_guc(name);
  if (!idx) return unrecognized(name);
  ParsedValue p = parse_value(guc_table()[*idx], value);
  if (!p.ok()) return p.error;
  slots_[*idx].value = *p.value;
  slots_[*idx].source = GucSource::Internal;
  slots_[*idx].session.reset();
  return std::nullopt;
}

const GucValue& Config::current(std::string_view name, GucType expected) const {
  auto idx = find_guc(name);
  if (!idx || guc_table()[*idx].type != expected) misuse();
  const Slot& s = slots_[*idx];
  return s.session ? *s.session : s.value;
}

std::int64_t Config::get_int(std::string_view name) const { return std::get<std::int64_t>(current(name, GucType::Int)); }
double Config::get_real(std::string_view name) const { return std::get<double>(current(name, GucType::Real)); }
bool Config::get_bool(std::string_view name) const { return std::get<bool>(current(name, GucType::Bool)); }
const std::string& Config::get_string(std::string_view name) const {
  return std::get<std::string>(current(name, GucType::String));
}
int Config::get_enum_value(std::string_view name) const {
  return static_cast<int>(std::get<std::int64_t>(current(name, GucType::Enum)));
}
std::string_view Config::get_enum(std::string_view name) const {
  int v = get_enum_value(name);
  for (const EnumOption& o : guc_table()[*find_guc(name)].options) {
    if (o.value == v) return o.name;
  }
  misuse();
}

std::optional<std::string> Config::show(std::string_view name, GucError* err) const {
  auto idx = find_guc(name);
  if (!idx) {
    if (err) *err = unrecognized(name);
    return std::nullopt;
  }
  const Slot& s = slots_[*idx];
  return format_value(guc_table()[*idx], s.session ? *s.session : s.value);
}

std::vector<ShowRow> Config::show_all() const {
  std::vector<ShowRow> rows;
  auto table = guc_table();
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Slot& s = slots_[i];
    rows.push_back(ShowRow{std::string(table[i].name), format_value(table[i], s.session ? *s.session : s.value),
                           std::string(table[i].description)});
  }
  std::sort(rows.begin(), rows.end(), [](const ShowRow& a, const ShowRow& b) { return lower(a.name) < lower(b.name); });
  return rows;
}

std::optional<std::string_view> Config::canonical_name(std::string_view name) const {
  auto idx = find_guc(name);
  if (!idx) return std::nullopt;
  return guc_table()[*idx].name;
}

GucSource Config::source(std::string_view name) const {
  auto idx = find_guc(name);
  if (!idx) misuse();
  return slots_[*idx].source;
}

}  // namespace pmemu::config
