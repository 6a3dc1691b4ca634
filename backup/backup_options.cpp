#include "backup/backup_options.h"

#include <charconv>
#include <optional>
#include <set>

#include "common/ascii.h"
#include "protocol/frontend.h"

namespace pmemu::backup {
namespace {

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;
using Parsed = std::variant<BaseBackupOptions, PgError>;

constexpr std::int64_t kMaxRateLower = 32;       // kB/s, as PostgreSQL's MAX_RATE_LOWER
constexpr std::int64_t kMaxRateUpper = 1048576;  // MAX_RATE_UPPER

PgError syntax(std::string message) { return PgError::error(sqlstate::kSyntaxError, std::move(message)); }

// What the options said, beyond the result itself.
struct ParseState {
  BaseBackupOptions out;
  bool checksums_given = false;
  bool target_detail_given = false;
  std::optional<std::string> target;
  bool compression_given = false;
  bool compression_detail_given = false;
};

// PostgreSQL's defGetBoolean: no value means true; else 0/1, true/false, on/off.
std::optional<PgError> set_boolean(const protocol::repl::Option& o, bool& field) {
  const auto& v = o.value;
  if (!v || *v == "1" || ascii_iequals(*v, "true") || ascii_iequals(*v, "on")) {
    field = true;
  } else if (*v == "0" || ascii_iequals(*v, "false") || ascii_iequals(*v, "off")) {
    field = false;
  } else {
    return syntax(o.name + " requires a Boolean value");
  }
  return std::nullopt;
}

std::optional<PgError> set_manifest(BaseBackupOptions& out, const std::string& v) {
  if (auto b = protocol::parse_pg_bool(v)) {
    out.manifest = *b ? ManifestOption::Yes : ManifestOption::No;
  } else if (ascii_iequals(v, "force-encode")) {
    out.manifest = ManifestOption::ForceEncode;
  } else {
    return syntax("unrecognized manifest option: \"" + v + "\"");
  }
  return std::nullopt;
}

std::optional<PgError> check_max_rate(const std::string& v) {
  std::int64_t rate = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), rate);
  if (ec != std::errc{} || p != v.data() + v.size()) return syntax("max_rate requires a numeric value");
  if (rate < kMaxRateLower || rate > kMaxRateUpper)
    return PgError::error(sqlstate::kNumericValueOutOfRange, std::to_string(rate) + " is outside the valid range for parameter \"MAX_RATE\" (" +
                                       std::to_string(kMaxRateLower) + " .. " + std::to_string(kMaxRateUpper) + ")");
  return std::nullopt;
}

PgError compression_not_supported() {
  return PgError::error(sqlstate::kFeatureNotSupported, "server-side compression is not supported")
      .with_hint("Compress on the client side instead.");
}

// COMPRESSION 'none' is what pg_basebackup sends with a backup target;
// PostgreSQL's algorithms are known but not offered.
std::optional<PgError> check_compression(ParseState& st, const std::string& v) {
  st.compression_given = true;
  if (ascii_iequals(v, "none")) return std::nullopt;
  if (ascii_iequals(v, "gzip") || ascii_iequals(v, "lz4") || ascii_iequals(v, "zstd"))
    return compression_not_supported();
  return syntax("unrecognized compression algorithm: \"" + v + "\"");
}

// An option whose value is a string (PostgreSQL's defGetString).
std::optional<PgError> apply_string_option(ParseState& st, const std::string& n, const std::string& v) {
  if (n == "label") {
    st.out.label = v;
  } else if (n == "checkpoint") {
    if (!ascii_iequals(v, "fast") && !ascii_iequals(v, "spread"))
      return syntax("unrecognized checkpoint type: \"" + v + "\"");
    st.out.fast_checkpoint = ascii_iequals(v, "fast");
  } else if (n == "manifest") {
    return set_manifest(st.out, v);
  } else if (n == "manifest_checksums") {
    auto kind = parse_checksum_kind(v);
    if (!kind) return syntax("unrecognized checksum algorithm: \"" + v + "\"");
    st.out.manifest_checksums = *kind;
    st.checksums_given = true;
  } else if (n == "max_rate") {
    return check_max_rate(v);
  } else if (n == "target") {
    st.target = v;
  } else if (n == "target_detail") {
    st.target_detail_given = true;
  } else if (n == "compression") {
    return check_compression(st, v);
  } else {  // compression_detail: refused after the loop
    st.compression_detail_given = true;
  }
  return std::nullopt;
}

std::optional<PgError> apply_option(ParseState& st, const protocol::repl::Option& o) {
  static const std::set<std::string, std::less<>> kStringOptions = {
      "label", "checkpoint", "manifest", "manifest_checksums", "max_rate",
      "target", "target_detail", "compression", "compression_detail"};
  bool unused = false;
  const std::string& n = o.name;
  if (n == "progress") return set_boolean(o, st.out.progress);
  if (n == "wal") return set_boolean(o, st.out.include_wal);
  if (n == "wait" || n == "tablespace_map" || n == "verify_checksums") return set_boolean(o, unused);
  if (!kStringOptions.contains(n)) return syntax("unrecognized base backup option: \"" + n + "\"");
  if (!o.value) return syntax(n + (n == "max_rate" ? " requires a numeric value" : " requires a parameter"));
  return apply_string_option(st, n, *o.value);
}

}  // namespace

Parsed parse_base_backup_options(const protocol::repl::BaseBackup& cmd) {
  ParseState st;
  std::set<std::string> seen;
  for (const auto& o : cmd.options) {
    if (!seen.insert(o.name).second) return syntax("duplicate option \"" + o.name + "\"");
    if (auto err = apply_option(st, o)) return *err;
  }
  if (st.out.manifest == ManifestOption::No) {
    if (st.checksums_given) return syntax("manifest checksums require a backup manifest");
    st.out.manifest_checksums = ChecksumKind::None;
  }
  if (st.compression_detail_given) {
    if (!st.compression_given) return syntax("compression detail cannot be specified unless compression is enabled");
    return compression_not_supported();
  }
  if (!st.target) {
    if (st.target_detail_given) return syntax("target detail cannot be used without target");
  } else if (*st.target == "client") {
    if (st.target_detail_given) return syntax("target \"client\" does not accept a target detail");
  } else {
    return PgError::error(sqlstate::kFeatureNotSupported, "backup target \"" + *st.target + "\" is not supported")
        .with_hint("Only the target \"client\" is available: the backup is sent over this connection.");
  }
  return st.out;
}

}  // namespace pmemu::backup
