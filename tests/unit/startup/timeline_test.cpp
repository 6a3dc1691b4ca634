// The startup process's timeline decisions: whether replay can follow a
// newer timeline, whether the checkpoint it starts from lies on the history
// it is asked to follow, the timeline named by checkpoint and end-of-recovery
// records, and the history file a promotion writes.
#include <doctest.h>

#include <cstdlib>
#include <filesystem>
#include <variant>

#include "startup/redo.h"
#include "startup/timeline.h"
#include "wal/record.h"
#include "wal/timeline_file.h"

using namespace pmemu;
using namespace pmemu::startup;

namespace {

// Timeline 1 until 0/3000100, then 2.
wal::TimelineHistory tli2() {
  return std::get<wal::TimelineHistory>(wal::TimelineHistory::parse("1\t0/3000100\tx\n", TimeLineId{2}, "h"));
}

wal::WalRecord record_at(Lsn at, wal::RecordType type, std::vector<std::byte> payload) {
  wal::WalRecord r;
  r.lsn = at;
  r.type = type;
  r.payload = std::move(payload);
  return r;
}

}  // namespace

TEST_CASE("replay follows a newer timeline that left its own one no earlier than where replay is") {
  CHECK_FALSE(cannot_follow(tli2(), TimeLineId{1}, Lsn{0x2000000}));
  CHECK_FALSE(cannot_follow(tli2(), TimeLineId{1}, Lsn{0x3000100}));  // exactly at the switch point
  CHECK_FALSE(cannot_follow(tli2(), TimeLineId{2}, Lsn{0x4000000}));  // already on it
}

TEST_CASE("replay refuses a timeline that forked before its position or descends from another") {
  CHECK(cannot_follow(tli2(), TimeLineId{1}, Lsn{0x3000108}) ==
        "new timeline 2 forked off current database system timeline 1 before current recovery point 0/3000108");
  CHECK(cannot_follow(tli2(), TimeLineId{3}, Lsn{0x1000000}) ==
        "new timeline 2 is not a child of database system timeline 3");
}

TEST_CASE("the starting checkpoint must lie on the requested history before the fork") {
  CHECK_FALSE(check_checkpoint_on_history(tli2(), TimeLineId{1}, Lsn{0x1000028}));
  CHECK_FALSE(check_checkpoint_on_history(tli2(), TimeLineId{2}, Lsn{0x3000200}));
  auto forked = check_checkpoint_on_history(tli2(), TimeLineId{1}, Lsn{0x3000100});
  REQUIRE(forked);
  CHECK(forked->message == "requested timeline 2 is not a child of this server's history");
  CHECK(forked->detail ==
        "Latest checkpoint is at 0/3000100 on timeline 1, but in the history of the requested timeline, the server "
        "forked off from that timeline at 0/3000100.");
  auto absent = check_checkpoint_on_history(tli2(), TimeLineId{4}, Lsn{0x1000028});
  REQUIRE(absent);
  CHECK(absent->message == "requested timeline 2 is not in this server's history");
}

TEST_CASE("checkpoint and end-of-recovery records must name the timeline the history puts them on") {
  wal::CheckpointPayload c;
  c.tli = TimeLineId{1};
  CHECK(check_record_timeline(record_at(Lsn{0x2000000}, wal::RecordType::CheckpointShutdown, wal::pack_checkpoint(c)),
                              tli2()) == "");
  CHECK(check_record_timeline(record_at(Lsn{0x3000200}, wal::RecordType::CheckpointOnline, wal::pack_checkpoint(c)),
                              tli2()) == "unexpected timeline ID 1 (should be 2) in online checkpoint record");
  wal::EndOfRecoveryPayload eor{TimeLineId{2}, TimeLineId{1}, 0};
  CHECK(check_record_timeline(record_at(Lsn{0x3000100}, wal::RecordType::EndOfRecovery,
                                        wal::pack_end_of_recovery(eor)),
                              tli2()) == "");
  eor.new_tli = TimeLineId{3};
  CHECK(check_record_timeline(record_at(Lsn{0x3000100}, wal::RecordType::EndOfRecovery,
                                        wal::pack_end_of_recovery(eor)),
                              tli2()) == "unexpected timeline ID 3 (should be 2) in end-of-recovery record");
  CHECK(check_record_timeline(record_at(Lsn{0x3000100}, wal::RecordType::KvInsert, wal::pack_kv_put("k", "v")),
                              tli2()) == "");
}

TEST_CASE("a promotion's history file is the parent's plus one line") {
  char tmpl[] = "/tmp/startup-unit-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  REQUIRE(write_timeline_history(dir, TimeLineId{2}, TimeLineId{1}, Lsn{0x3000100}) == "");
  CHECK(std::get<wal::TimelineHistory>(wal::read_timeline_history(dir, TimeLineId{2})).entries().size() == 2);
  // A parent file that lost its last newline.
  REQUIRE(wal::write_timeline_history_file(dir, TimeLineId{2}, "1\t0/3000100\tno recovery target specified").ok());
  REQUIRE(write_timeline_history(dir, TimeLineId{3}, TimeLineId{2}, Lsn{0x5000000}) == "");
  auto h = wal::read_timeline_history(dir, TimeLineId{3});
  REQUIRE(std::holds_alternative<wal::TimelineHistory>(h));
  const auto& entries = std::get<wal::TimelineHistory>(h).entries();
  REQUIRE(entries.size() == 3);
  CHECK(entries[1].end == Lsn{0x5000000});
  std::filesystem::remove_all(dir);
}
