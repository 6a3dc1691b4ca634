#include <doctest.h>

#include "protocol/replication_commands.h"

using namespace pmemu;
using namespace pmemu::protocol;
using namespace pmemu::protocol::repl;

namespace {

Command ok(std::string_view q) {
  auto r = parse_replication_command(q);
  if (auto* e = std::get_if<PgError>(&r)) FAIL_CHECK("unexpected error for [" << q << "]: " << e->message);
  REQUIRE(std::holds_alternative<Command>(r));
  return std::get<Command>(r);
}

PgError err(std::string_view q) {
  auto r = parse_replication_command(q);
  REQUIRE_MESSAGE(std::holds_alternative<PgError>(r), q);
  return std::get<PgError>(r);
}

}  // namespace

TEST_CASE("simple commands") {
  CHECK(std::holds_alternative<IdentifySystem>(ok("IDENTIFY_SYSTEM")));
  CHECK(std::holds_alternative<IdentifySystem>(ok("identify_system;")));
  CHECK(std::holds_alternative<Empty>(ok("")));
  CHECK(std::holds_alternative<Empty>(ok(" ; ")));
  CHECK(std::get<Show>(ok("SHOW wal_segment_size")).name == "wal_segment_size");
  CHECK(std::get<Show>(ok("SHOW data_directory_mode")).name == "data_directory_mode");
  CHECK(std::get<TimelineHistory>(ok("TIMELINE_HISTORY 2")).timeline == TimeLineId{2});
  CHECK(std::get<ReadReplicationSlot>(ok("READ_REPLICATION_SLOT proto_slot")).slot == "proto_slot");
  auto d = std::get<DropReplicationSlot>(ok("DROP_REPLICATION_SLOT \"s1\" WAIT"));
  CHECK(d.slot == "s1");
  CHECK(d.wait);
  CHECK_FALSE(std::get<DropReplicationSlot>(ok("DROP_REPLICATION_SLOT s1")).wait);
}

TEST_CASE("START_REPLICATION variants") {
  auto s = std::get<StartReplication>(ok("START_REPLICATION SLOT \"proto_slot\" 1/D0000000 TIMELINE 1"));
  CHECK(s.slot == "proto_slot");
  CHECK(s.start == Lsn{(1ull << 32) | 0xD0000000ull});
  CHECK(s.timeline == TimeLineId{1});
  s = std::get<StartReplication>(ok("START_REPLICATION 0/3000148"));
  CHECK_FALSE(s.slot.has_value());
  CHECK(s.start == Lsn{0x3000148});
  CHECK_FALSE(s.timeline.has_value());
  s = std::get<StartReplication>(ok("start_replication physical a/1f timeline 3"));
  CHECK(s.start == Lsn{(0xAull << 32) | 0x1f});
  CHECK(s.timeline == TimeLineId{3});
  s = std::get<StartReplication>(ok("START_REPLICATION SLOT standby_slot PHYSICAL 1/3D000060"));
  CHECK(s.slot == "standby_slot");
  CHECK(s.start == Lsn{(1ull << 32) | 0x3D000060});

  CHECK(err("START_REPLICATION").message == "syntax error");
  CHECK(err("START_REPLICATION SLOT").sqlstate == "42601");
  CHECK(err("START_REPLICATION 0/1 TIMELINE 0").message == "invalid timeline 0");
  CHECK(err("START_REPLICATION 0/1 garbage").message == "syntax error");
  CHECK(err("START_REPLICATION 123456789/1").message == "syntax error");
  CHECK(err("START_REPLICATION SLOT s LOGICAL 0/1").sqlstate == "0A000");
}

TEST_CASE("CREATE_REPLICATION_SLOT variants") {
  auto c = std::get<CreateReplicationSlot>(ok("CREATE_REPLICATION_SLOT \"pg_basebackup_123\" TEMPORARY PHYSICAL ( RESERVE_WAL)"));
  CHECK(c.slot == "pg_basebackup_123");
  CHECK(c.temporary);
  CHECK(c.reserve_wal);
  c = std::get<CreateReplicationSlot>(ok("CREATE_REPLICATION_SLOT s PHYSICAL RESERVE_WAL"));
  CHECK_FALSE(c.temporary);
  CHECK(c.reserve_wal);
  c = std::get<CreateReplicationSlot>(ok("CREATE_REPLICATION_SLOT s PHYSICAL (RESERVE_WAL false)"));
  CHECK_FALSE(c.reserve_wal);
  c = std::get<CreateReplicationSlot>(ok("CREATE_REPLICATION_SLOT s PHYSICAL"));
  CHECK_FALSE(c.reserve_wal);
  CHECK(err("CREATE_REPLICATION_SLOT s PHYSICAL (BOGUS)").message == "unrecognized option: bogus");
  CHECK(err("CREATE_REPLICATION_SLOT s").message == "syntax error");
  CHECK(err("CREATE_REPLICATION_SLOT s LOGICAL test_decoding").sqlstate == "0A000");
  CHECK(err("CREATE_REPLICATION_SLOT s PHYSICAL (RESERVE_WAL").message == "syntax error");
}

TEST_CASE("BASE_BACKUP options") {
  auto b = std::get<BaseBackup>(ok(
      "BASE_BACKUP ( LABEL 'pg_basebackup base backup',  PROGRESS,  CHECKPOINT 'fast',  WAIT 0,  "
      "MANIFEST 'yes',  TARGET 'client')"));
  REQUIRE(b.options.size() == 6);
  CHECK(b.options[0] == Option{"label", "pg_basebackup base backup"});
  CHECK(b.options[1] == Option{"progress", std::nullopt});
  CHECK(b.option("checkpoint") == std::optional<std::string>("fast"));
  CHECK(b.option("wait") == std::optional<std::string>("0"));
  CHECK(b.has_option("progress"));
  CHECK_FALSE(b.has_option("wal"));
  CHECK(std::get<BaseBackup>(ok("BASE_BACKUP")).options.empty());
  auto legacy = std::get<BaseBackup>(ok("BASE_BACKUP LABEL 'x' PROGRESS FAST NOWAIT MAX_RATE 32"));
  CHECK(legacy.option("label") == std::optional<std::string>("x"));
  CHECK(legacy.option("checkpoint") == std::optional<std::string>("fast"));
  CHECK(legacy.option("wait") == std::optional<std::string>("false"));
  CHECK(legacy.option("max_rate") == std::optional<std::string>("32"));
  CHECK(err("BASE_BACKUP (LABEL 'x'").message == "syntax error");
  CHECK(err("BASE_BACKUP LABEL").message == "syntax error");
}

TEST_CASE("not replication commands, bad input") {
  auto e = err("SELECT 1");
  CHECK(e.sqlstate == "0A000");
  CHECK(e.message == "cannot execute SQL commands in WAL sender for physical replication");
  CHECK(err("TIMELINE_HISTORY 0").message == "invalid timeline 0");
  CHECK(err("TIMELINE_HISTORY x").message == "syntax error");
  CHECK(err("IDENTIFY_SYSTEM extra").message == "syntax error");
  CHECK(err("READ_REPLICATION_SLOT 'quoted'").message == "syntax error");
  CHECK(err("DROP_REPLICATION_SLOT \"unterminated").message.starts_with("unterminated quoted identifier"));
}

TEST_CASE("slot name validation") {
  CHECK_FALSE(validate_slot_name("standby_1").has_value());
  CHECK(validate_slot_name("").value().message == "replication slot name \"\" is too short");
  CHECK(validate_slot_name("Bad").value().message == "replication slot name \"Bad\" contains invalid character");
  CHECK(validate_slot_name(std::string(64, 'a')).value().sqlstate == "42622");
  CHECK_FALSE(validate_slot_name(std::string(63, 'a')).has_value());
}
