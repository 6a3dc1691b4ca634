#include "backup/manifest.h"

#include <cstdio>
#include <ctime>

namespace pmemu::backup {
namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if it is not well formed.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead == 0) return 0;
  if (lead < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) lo = 0xA0;  // no overlongs
    if (lead == 0xED) hi = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) lo = 0x90;  // no overlongs
    if (lead == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return len;
}

std::string file_line(const ManifestFile& f, ChecksumKind kind, bool force_encode) {
  std::string line = "{ ";
  if (!force_encode && valid_utf8(f.path))
    line += "\"Path\": " + json_string(f.path) + ", ";
  else
    line += "\"Encoded-Path\": \"" + hex_encode(f.path) + "\", ";
  line += "\"Size\": " + std::to_string(f.size) + ", ";
  line += "\"Last-Modified\": \"" + gmt_timestamp(f.mtime) + "\"";
  if (kind != ChecksumKind::None) {
    line += ", \"Checksum-Algorithm\": \"" + std::string(checksum_kind_name(kind)) + "\"";
    line += ", \"Checksum\": \"" + hex_encode(f.checksum) + "\"";
  }
  line += " }";
  return line;
}

std::string wal_range_line(const WalRange& r) {
  return "{ \"Timeline\": " + std::to_string(r.tli.get()) + ", \"Start-LSN\": \"" + r.start.str() +
         "\", \"End-LSN\": \"" + r.end.str() + "\" }";
}

}  // namespace

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string gmt_timestamp(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  char buf[64];
  if (::gmtime_r(&t, &tm) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S GMT", &tm) == 0)
    return "1970-01-01 00:00:00 GMT";  // only for times a time_t cannot hold
  return buf;
}

// The layout, line by line: the header with the version and the opening of
// "Files"; one line per file, separated by ",\n"; the closing "],"; the
// WAL-Ranges list the same way; then the checksum, a SHA-256 over every byte
// before the "Manifest-Checksum" key (pg_verifybackup finds that point as the
// last-but-one newline, so the checksum line must be the last line).
std::string build_manifest(const ManifestContent& content) {
  std::string doc = "{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [";
  for (std::size_t i = 0; i < content.files.size(); ++i) {
    doc += i == 0 ? "\n" : ",\n";
    doc += file_line(content.files[i], content.checksum, content.force_encode);
  }
  doc += "\n],\n\"WAL-Ranges\": [\n";
  for (std::size_t i = 0; i < content.wal_ranges.size(); ++i) {
    if (i > 0) doc += ",\n";
    doc += wal_range_line(content.wal_ranges[i]);
  }
  doc += "\n],\n";
  Checksum sha(ChecksumKind::Sha256);
  sha.update(doc);
  doc += "\"Manifest-Checksum\": \"" + sha.finish_hex() + "\"}\n";
  return doc;
}

}  // namespace pmemu::backup
