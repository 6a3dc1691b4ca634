// The backup manifest builder: PostgreSQL 15's layout byte for byte, path
// escaping and encoding, and the Manifest-Checksum over the right prefix.
// The expected checksums were computed outside this code base (Python's
// hashlib over the expected text).
#include <doctest.h>

#include <string>

#include "backup/manifest.h"

using namespace pmemu;
using namespace pmemu::backup;

namespace {

std::string bytes(std::initializer_list<unsigned> values) {
  std::string s;
  for (unsigned v : values) s.push_back(static_cast<char>(v));
  return s;
}

ManifestContent two_files() {
  ManifestContent m;
  m.checksum = ChecksumKind::Crc32c;
  m.files.push_back({"PG_VERSION", 3, 1585839611, bytes({0x83, 0x92, 0x06, 0xe3})});
  m.files.push_back({"global/pg_control", 8192, 0, bytes({0, 0, 0, 0})});
  m.wal_ranges.push_back({TimeLineId{1}, Lsn{0x2000028}, Lsn{0x2000100}});
  return m;
}

// The line of the first file entry.
std::string first_file_line(const std::string& doc) {
  const auto from = doc.find("[\n") + 2;
  return doc.substr(from, doc.find('\n', from) - from);
}

}  // namespace

TEST_CASE("a manifest has PostgreSQL 15's layout and checksum") {
  const std::string expected =
      "{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n"
      "\"Files\": [\n"
      "{ \"Path\": \"PG_VERSION\", \"Size\": 3, \"Last-Modified\": \"2020-04-02 15:00:11 GMT\", "
      "\"Checksum-Algorithm\": \"CRC32C\", \"Checksum\": \"839206e3\" },\n"
      "{ \"Path\": \"global/pg_control\", \"Size\": 8192, \"Last-Modified\": \"1970-01-01 00:00:00 GMT\", "
      "\"Checksum-Algorithm\": \"CRC32C\", \"Checksum\": \"00000000\" }\n"
      "],\n"
      "\"WAL-Ranges\": [\n"
      "{ \"Timeline\": 1, \"Start-LSN\": \"0/2000028\", \"End-LSN\": \"0/2000100\" }\n"
      "],\n"
      "\"Manifest-Checksum\": \"d3d9dc13a4230d2fc6320fc8c86ee583dd5c01935f10611522eeb683388d1fd1\"}\n";
  CHECK(build_manifest(two_files()) == expected);
}

TEST_CASE("the manifest checksum covers everything before its own line") {
  const std::string doc = build_manifest(two_files());
  ManifestContent changed = two_files();
  changed.files[0].size = 4;
  const std::string doc2 = build_manifest(changed);
  const auto line_of = [](const std::string& d) { return d.substr(d.rfind("\"Manifest-Checksum\"")); };
  CHECK(line_of(doc) != line_of(doc2));
  changed = two_files();
  changed.wal_ranges[0].end = Lsn{0x2000108};
  CHECK(line_of(build_manifest(changed)) != line_of(doc));
  // pg_verifybackup finds the checksum's start as the last-but-one newline.
  const auto last = doc.rfind('\n');
  CHECK(last == doc.size() - 1);
  CHECK(doc.substr(doc.rfind('\n', last - 1) + 1).starts_with("\"Manifest-Checksum\": \""));
}

TEST_CASE("a manifest without checksums leaves out the checksum keys") {
  ManifestContent m = two_files();
  m.checksum = ChecksumKind::None;
  CHECK(first_file_line(build_manifest(m)) ==
        "{ \"Path\": \"PG_VERSION\", \"Size\": 3, \"Last-Modified\": \"2020-04-02 15:00:11 GMT\" },");
  m.checksum = ChecksumKind::Sha256;
  m.files[0].checksum = std::string(32, '\x01');
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "01";
  CHECK(first_file_line(build_manifest(m)) ==
        "{ \"Path\": \"PG_VERSION\", \"Size\": 3, \"Last-Modified\": \"2020-04-02 15:00:11 GMT\", "
        "\"Checksum-Algorithm\": \"SHA256\", \"Checksum\": \"" + hex + "\" },");
}

TEST_CASE("an empty file list and several WAL ranges keep the layout") {
  ManifestContent m;
  m.wal_ranges.push_back({TimeLineId{2}, Lsn{0x3000000}, Lsn{0x3000200}});
  m.wal_ranges.push_back({TimeLineId{1}, Lsn{0x2000028}, Lsn{0x3000000}});
  const std::string doc = build_manifest(m);
  CHECK(doc.starts_with("{ \"PostgreSQL-Backup-Manifest-Version\": 1,\n\"Files\": [\n],\n\"WAL-Ranges\": [\n"
                        "{ \"Timeline\": 2, \"Start-LSN\": \"0/3000000\", \"End-LSN\": \"0/3000200\" },\n"
                        "{ \"Timeline\": 1, \"Start-LSN\": \"0/2000028\", \"End-LSN\": \"0/3000000\" }\n],\n"));
}

TEST_CASE("odd path names are escaped, or hex-encoded when not UTF-8") {
  ManifestContent m = two_files();
  m.files.resize(1);
  m.files[0].path = "dir/a \"quoted\" back\\slash\ttab\nnl\x01\x1f\x7f";
  CHECK(first_file_line(build_manifest(m)).starts_with(
      "{ \"Path\": \"dir/a \\\"quoted\\\" back\\\\slash\\ttab\\nnl\\u0001\\u001f\x7f\", "));
  m.files[0].path = "caf\xc3\xa9/\xe2\x82\xac";  // UTF-8 stays as it is
  CHECK(first_file_line(build_manifest(m)).starts_with("{ \"Path\": \"caf\xc3\xa9/\xe2\x82\xac\", "));
  m.files[0].path = "bad\xff";  // not UTF-8: hex
  CHECK(first_file_line(build_manifest(m)).starts_with("{ \"Encoded-Path\": \"626164ff\", \"Size\": 3, "));
  m.files[0].path = "PG_VERSION";
  m.force_encode = true;
  CHECK(first_file_line(build_manifest(m)).starts_with("{ \"Encoded-Path\": \"50475f56455253494f4e\", "));
}

TEST_CASE("json_string escapes what JSON requires and nothing else") {
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("a/b") == "\"a/b\"");
  CHECK(json_string("\b\f\r") == "\"\\b\\f\\r\"");
  CHECK(json_string(std::string("\0", 1)) == "\"\\u0000\"");
  CHECK(json_string("</>") == "\"</>\"");
}

TEST_CASE("valid_utf8 accepts well-formed UTF-8 only") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("plain/ascii"));
  CHECK(valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf"));  // é € 😀 U+10FFFF
  CHECK_FALSE(valid_utf8("\xc0\x80"));          // overlong NUL
  CHECK_FALSE(valid_utf8("\xe0\x80\xaf"));      // overlong '/'
  CHECK_FALSE(valid_utf8("\xed\xa0\x80"));      // surrogate
  CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(valid_utf8("\xe2\x82"));          // truncated
  CHECK_FALSE(valid_utf8("\x80"));              // stray continuation
  CHECK_FALSE(valid_utf8(std::string("a\0b", 3)));
}

TEST_CASE("timestamps are GMT in PostgreSQL's format") {
  CHECK(gmt_timestamp(0) == "1970-01-01 00:00:00 GMT");
  CHECK(gmt_timestamp(1585839611) == "2020-04-02 15:00:11 GMT");
  CHECK(gmt_timestamp(951782400) == "2000-02-29 00:00:00 GMT");
}
