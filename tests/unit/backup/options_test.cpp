// BASE_BACKUP options as PostgreSQL 15 checks them: what pg_basebackup and
// pmctl send, and PostgreSQL's messages and SQLSTATEs for bad values.
#include <doctest.h>

#include <string>

#include "backup/backup_options.h"

using namespace pmemu;
using namespace pmemu::backup;

namespace {

std::variant<BaseBackupOptions, protocol::PgError> parse(const std::string& command) {
  auto cmd = protocol::repl::parse_replication_command(command);
  REQUIRE_MESSAGE(std::holds_alternative<protocol::repl::Command>(cmd), command);
  auto* bb = std::get_if<protocol::repl::BaseBackup>(&std::get<protocol::repl::Command>(cmd));
  REQUIRE(bb != nullptr);
  return parse_base_backup_options(*bb);
}

BaseBackupOptions ok(const std::string& command) {
  auto r = parse(command);
  if (auto* e = std::get_if<protocol::PgError>(&r)) FAIL(command << ": " << e->message);
  return std::get<BaseBackupOptions>(r);
}

protocol::PgError err(const std::string& command) {
  auto r = parse(command);
  REQUIRE_MESSAGE(std::holds_alternative<protocol::PgError>(r), command);
  return std::get<protocol::PgError>(r);
}

}  // namespace

TEST_CASE("what pg_basebackup 15 sends by default asks for a CRC32C manifest and no WAL") {
  auto o = ok("BASE_BACKUP ( LABEL 'pg_basebackup base backup',  PROGRESS,  WAIT 0,  MANIFEST 'yes',  "
              "TARGET 'client')");
  CHECK(o.label == "pg_basebackup base backup");
  CHECK(o.progress);
  CHECK_FALSE(o.include_wal);
  CHECK_FALSE(o.fast_checkpoint);
  CHECK(o.manifest == ManifestOption::Yes);
  CHECK(o.manifest_checksums == ChecksumKind::Crc32c);
}

TEST_CASE("manifest and checksum choices") {
  auto o = ok("BASE_BACKUP (MANIFEST 'force-encode', MANIFEST_CHECKSUMS 'sha512', WAL, CHECKPOINT 'FAST')");
  CHECK(o.manifest == ManifestOption::ForceEncode);
  CHECK(o.manifest_checksums == ChecksumKind::Sha512);
  CHECK(o.include_wal);
  CHECK(o.fast_checkpoint);
  CHECK(ok("BASE_BACKUP (MANIFEST 'on', MANIFEST_CHECKSUMS 'NONE')").manifest_checksums == ChecksumKind::None);
  // No manifest is the server's default, and then there is nothing to checksum.
  CHECK(ok("BASE_BACKUP").manifest == ManifestOption::No);
  CHECK(ok("BASE_BACKUP").manifest_checksums == ChecksumKind::None);
  CHECK(ok("BASE_BACKUP (MANIFEST 'no')").manifest_checksums == ChecksumKind::None);
  // The pre-15 syntax still reads.
  auto legacy = ok("BASE_BACKUP LABEL 'x' PROGRESS FAST WAL NOWAIT MANIFEST 'yes' MANIFEST_CHECKSUMS 'SHA224'");
  CHECK(legacy.include_wal);
  CHECK(legacy.manifest_checksums == ChecksumKind::Sha224);
}

TEST_CASE("bad option values get PostgreSQL's messages") {
  struct Case {
    const char* command;
    const char* sqlstate;
    const char* message;
  };
  const Case cases[] = {
      {"BASE_BACKUP (MANIFEST 'maybe')", "42601", "unrecognized manifest option: \"maybe\""},
      {"BASE_BACKUP (MANIFEST 'yes', MANIFEST_CHECKSUMS 'md5')", "42601", "unrecognized checksum algorithm: \"md5\""},
      {"BASE_BACKUP (MANIFEST 'no', MANIFEST_CHECKSUMS 'sha256')", "42601",
       "manifest checksums require a backup manifest"},
      {"BASE_BACKUP (MANIFEST_CHECKSUMS 'crc32c')", "42601", "manifest checksums require a backup manifest"},
      {"BASE_BACKUP (PROGRESS, PROGRESS)", "42601", "duplicate option \"progress\""},
      {"BASE_BACKUP (MANIFEST 'yes', MANIFEST 'no')", "42601", "duplicate option \"manifest\""},
      {"BASE_BACKUP (WAL 'perhaps')", "42601", "wal requires a Boolean value"},
      {"BASE_BACKUP (CHECKPOINT 'slow')", "42601", "unrecognized checkpoint type: \"slow\""},
      {"BASE_BACKUP (LABEL)", "42601", "label requires a parameter"},
      {"BASE_BACKUP (COLOUR 'blue')", "42601", "unrecognized base backup option: \"colour\""},
      {"BASE_BACKUP (MAX_RATE 10)", "22003",
       "10 is outside the valid range for parameter \"MAX_RATE\" (32 .. 1048576)"},
      {"BASE_BACKUP (TARGET_DETAIL 'x')", "42601", "target detail cannot be used without target"},
      {"BASE_BACKUP (TARGET 'client', TARGET_DETAIL 'x')", "42601",
       "target \"client\" does not accept a target detail"},
      {"BASE_BACKUP (TARGET 'server', TARGET_DETAIL '/tmp/x')", "0A000", "backup target \"server\" is not supported"},
      {"BASE_BACKUP (COMPRESSION 'gzip')", "0A000", "server-side compression is not supported"},
      {"BASE_BACKUP (COMPRESSION 'rot13')", "42601", "unrecognized compression algorithm: \"rot13\""},
      {"BASE_BACKUP (COMPRESSION_DETAIL 'level=1')", "42601",
       "compression detail cannot be specified unless compression is enabled"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.command);
    auto e = err(c.command);
    CHECK(e.sqlstate == c.sqlstate);
    CHECK(e.message == c.message);
  }
}

TEST_CASE("options without effect here are accepted with valid values") {
  auto o = ok("BASE_BACKUP (TABLESPACE_MAP, VERIFY_CHECKSUMS 0, WAIT 0, MAX_RATE 32, TARGET 'client', "
              "COMPRESSION 'none')");
  CHECK_FALSE(o.include_wal);
  CHECK(err("BASE_BACKUP (TABLESPACE_MAP 'sometimes')").message == "tablespace_map requires a Boolean value");
}
