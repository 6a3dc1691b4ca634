// Timeline histories: parsing NNNNNNNN.history as PostgreSQL does, which
// timeline a position belongs to, where a timeline was left, which file
// holds a segment; the files in pg_wal; and a reader that follows a switch.
#include <doctest.h>

#include <filesystem>
#include <fstream>
#include <variant>

#include "tests/unit/wal/wal_fixture.h"
#include "wal/timeline_file.h"
#include "wal/timeline_history.h"

using namespace pmemu;
using namespace pmemu::wal;
using namespace pmemu::wal::testing;

namespace {

TimelineHistory parse_ok(std::string_view content, std::uint32_t target) {
  auto r = TimelineHistory::parse(content, TimeLineId{target}, "pg_wal/x.history");
  REQUIRE_MESSAGE(std::holds_alternative<TimelineHistory>(r), std::get<TimelineHistoryError>(r).message);
  return std::get<TimelineHistory>(r);
}

TimelineHistoryError parse_bad(std::string_view content, std::uint32_t target) {
  auto r = TimelineHistory::parse(content, TimeLineId{target}, "pg_wal/00000003.history");
  REQUIRE(std::holds_alternative<TimelineHistoryError>(r));
  return std::get<TimelineHistoryError>(r);
}

// Timeline 1 until 0/3000100, 2 until 0/5000000 (a segment boundary), then 3.
const char* kThree = "1\t0/3000100\tno recovery target specified\n2\t0/5000000\tbefore 2000-01-01\n";
constexpr std::uint32_t kSeg16 = 16 * 1024 * 1024;

}  // namespace

TEST_CASE("a history file parses into contiguous entries ending in the open target") {
  const TimelineHistory h = parse_ok(kThree, 3);
  REQUIRE(h.entries().size() == 3);
  CHECK(h.entries()[0] == TimelineEntry{TimeLineId{1}, Lsn{}, Lsn{0x3000100}});
  CHECK(h.entries()[1] == TimelineEntry{TimeLineId{2}, Lsn{0x3000100}, Lsn{0x5000000}});
  CHECK(h.entries()[2] == TimelineEntry{TimeLineId{3}, Lsn{0x5000000}, Lsn{}});
  CHECK(h.target() == TimeLineId{3});
  CHECK(h.contains(TimeLineId{2}));
  CHECK_FALSE(h.contains(TimeLineId{4}));
}

TEST_CASE("comments, blank lines, spaces instead of tabs and a missing last newline are accepted") {
  const TimelineHistory h = parse_ok("# made by hand\n\n  1 0/3000100 reason with spaces\n2\t0/5000000", 3);
  CHECK(h == parse_ok(kThree, 3));
  CHECK(parse_ok("", 1) == TimelineHistory::single(TimeLineId{1}));
}

TEST_CASE("malformed history files are refused with PostgreSQL's messages and hints") {
  auto e = parse_bad("x\t0/3000100\n", 3);
  CHECK(e.message == "syntax error in history file: x\t0/3000100");
  CHECK(e.hint == "Expected a numeric timeline ID.");
  e = parse_bad("1\n", 3);
  CHECK(e.hint == "Expected a write-ahead log switchpoint location.");
  e = parse_bad("1\tnot-an-lsn\n", 3);
  CHECK(e.hint == "Expected a write-ahead log switchpoint location.");
  e = parse_bad("2\t0/3000100\n1\t0/4000000\n", 3);
  CHECK(e.message == "invalid data in history file: 1\t0/4000000");
  CHECK(e.hint == "Timeline IDs must be in increasing sequence.");
  e = parse_bad("1\t0/3000100\n3\t0/4000000\n", 3);
  CHECK(e.message == "invalid data in history file \"pg_wal/00000003.history\"");
  CHECK(e.hint == "Timeline IDs must be less than child timeline's ID.");
  e = parse_bad("1\t0/5000000\n2\t0/4000000\n", 3);
  CHECK(e.hint == "Switch points must not go backwards.");
  CHECK(parse_bad("0\t0/3000100\n", 3).hint == "Expected a numeric timeline ID.");
  CHECK(parse_bad("1\t0/0\n", 3).hint == "Expected a write-ahead log switchpoint location.");
}

TEST_CASE("a position belongs to the timeline written there; the switch point to the child") {
  const TimelineHistory h = parse_ok(kThree, 3);
  CHECK(h.tli_of_point(Lsn{0x1000000}) == TimeLineId{1});
  CHECK(h.tli_of_point(Lsn{0x30000F8}) == TimeLineId{1});
  CHECK(h.tli_of_point(Lsn{0x3000100}) == TimeLineId{2});
  CHECK(h.tli_of_point(Lsn{0x4FFFFF8}) == TimeLineId{2});
  CHECK(h.tli_of_point(Lsn{0x5000000}) == TimeLineId{3});
  CHECK(h.tli_of_point(Lsn{0xFFFFFFFF00}) == TimeLineId{3});
  CHECK(TimelineHistory::single(TimeLineId{4}).tli_of_point(Lsn{0x1000000}) == TimeLineId{4});
}

TEST_CASE("the switch point of a timeline names where it was left and for which timeline") {
  const TimelineHistory h = parse_ok(kThree, 3);
  auto s1 = h.switch_point(TimeLineId{1});
  REQUIRE(s1);
  CHECK(s1->at == Lsn{0x3000100});
  CHECK(s1->next == TimeLineId{2});
  auto s2 = h.switch_point(TimeLineId{2});
  REQUIRE(s2);
  CHECK(s2->at == Lsn{0x5000000});
  CHECK(s2->next == TimeLineId{3});
  auto s3 = h.switch_point(TimeLineId{3});
  REQUIRE(s3);
  CHECK_FALSE(s3->at.valid());  // the target was never left
  CHECK_FALSE(h.switch_point(TimeLineId{4}));
}

TEST_CASE("the file of a segment is the record's timeline, then a child that began inside it") {
  const TimelineHistory h = parse_ok(kThree, 3);
  using V = std::vector<TimeLineId>;
  // Segment 3 holds the switch from 1 to 2: timeline 2's file has a copy of its start.
  CHECK(h.segment_files(Lsn{0x3000000}, SegNo{3}, kSeg16) == V{TimeLineId{1}, TimeLineId{2}});
  CHECK(h.segment_files(Lsn{0x3000100}, SegNo{3}, kSeg16) == V{TimeLineId{2}});
  // A timeline-1 record continuing into segment 3 from segment 2.
  CHECK(h.segment_files(Lsn{0x2FFFFF0}, SegNo{3}, kSeg16) == V{TimeLineId{1}, TimeLineId{2}});
  CHECK(h.segment_files(Lsn{0x2000000}, SegNo{2}, kSeg16) == V{TimeLineId{1}});
  // Timeline 3 began exactly at segment 5's start: nothing of 2 is in it.
  CHECK(h.segment_files(Lsn{0x4000000}, SegNo{4}, kSeg16) == V{TimeLineId{2}});
  CHECK(h.segment_files(Lsn{0x5000000}, SegNo{5}, kSeg16) == V{TimeLineId{3}});
}

TEST_CASE("history lines are written as PostgreSQL writes them") {
  CHECK(history_line(TimeLineId{1}, Lsn{0x3000100}, "no recovery target specified") ==
        "1\t0/3000100\tno recovery target specified\n");
}

TEST_CASE("history files in pg_wal: read, missing, malformed, newest, written atomically") {
  TempDir dir;
  const std::string pg_wal = dir.path();
  CHECK(newest_timeline(pg_wal) == TimeLineId{1});
  CHECK_FALSE(timeline_history_exists(pg_wal, TimeLineId{1}));
  // Timeline 1 has no file; a missing file means no known ancestors.
  CHECK(std::get<TimelineHistory>(read_timeline_history(pg_wal, TimeLineId{1})) == TimelineHistory::single(TimeLineId{1}));
  CHECK(std::get<TimelineHistory>(read_timeline_history(pg_wal, TimeLineId{5})) == TimelineHistory::single(TimeLineId{5}));

  REQUIRE(write_timeline_history_file(pg_wal, TimeLineId{3}, kThree).ok());
  CHECK(timeline_history_exists(pg_wal, TimeLineId{3}));
  CHECK(newest_timeline(pg_wal) == TimeLineId{3});
  CHECK(std::get<TimelineHistory>(read_timeline_history(pg_wal, TimeLineId{3})) == parse_ok(kThree, 3));
  CHECK_FALSE(std::filesystem::exists(pg_wal + "/00000003.history.tmp"));

  std::ofstream(pg_wal + "/0000000A.history") << "garbage\n";
  std::ofstream(pg_wal + "/0000000B.history.tmp") << "ignored\n";
  CHECK(newest_timeline(pg_wal) == TimeLineId{10});
  auto bad = read_timeline_history(pg_wal, TimeLineId{10});
  REQUIRE(std::holds_alternative<TimelineHistoryError>(bad));
  CHECK(std::get<TimelineHistoryError>(bad).message == "syntax error in history file: garbage");
}

TEST_CASE("a reader following a history crosses a switch in the middle of a segment") {
  WalFixture f;
  Lsn switch_point, first_on_2;
  {
    Xlog x(f.ctl.get(), f.wal, FsyncEnabled{false});
    (void)x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
    x.switch_segment();
    switch_point = x.insert(RecordType::KvInsert, pack_kv_put("b", "1"));
    // A promotion: timeline 2 starts at the end of timeline 1, its first
    // segment a copy of timeline 1's up to there.
    REQUIRE(x.start_at(switch_point, x.last_record(), TimeLineId{2}).ok());
    first_on_2 = switch_point;
    x.flush(x.insert(RecordType::KvInsert, pack_kv_put("c", "2")));
  }
  // What a standby would have: timeline 1's segment holds garbage past the
  // switch point (here: a record timeline 2 never wrote).
  {
    SharedCtl other;
    Xlog old(other.get(), f.wal, FsyncEnabled{false});
    Lsn last;
    {
      WalReader r(f.wal, kSeg, TimeLineId{1});
      r.seek(f.boot.checkpoint);
      for (auto n = r.next(); std::holds_alternative<WalRecord>(n); n = r.next()) last = std::get<WalRecord>(n).lsn;
    }
    REQUIRE(old.start_at(switch_point, last, TimeLineId{1}).ok());
    (void)old.insert(RecordType::KvInsert, pack_kv_put("stale", "1"));
  }
  const std::string history = history_line(TimeLineId{1}, switch_point, "test");
  const TimelineHistory h = std::get<TimelineHistory>(TimelineHistory::parse(history, TimeLineId{2}, "h"));

  auto keys = [&](WalReader& r) {
    std::vector<std::string> out;
    r.seek(f.boot.checkpoint);
    for (auto n = r.next(); std::holds_alternative<WalRecord>(n); n = r.next()) {
      auto& rec = std::get<WalRecord>(n);
      if (auto put = unpack_kv_put(rec.payload)) out.emplace_back(put->key);
    }
    return out;
  };
  WalReader on_1(f.wal, kSeg, TimeLineId{1});
  CHECK(keys(on_1) == std::vector<std::string>{"a", "b", "stale"});
  WalReader following(f.wal, kSeg, h);
  CHECK(keys(following) == std::vector<std::string>{"a", "b", "c"});

  // Without timeline 1's copy of the switch segment, timeline 2's copy serves.
  std::filesystem::remove(f.seg_path(2, 1));
  WalReader without_old(f.wal, kSeg, h);
  CHECK(keys(without_old) == std::vector<std::string>{"a", "b", "c"});

  // A reader can take up a newer history mid-way (the standby's rescan).
  WalReader later(f.wal, kSeg, TimeLineId{1});
  later.seek(first_on_2);
  CHECK(std::holds_alternative<WalEnd>(later.next()));  // timeline 1 has no file for segment 2 any more
  later.set_history(h);
  auto n = later.next();
  REQUIRE(std::holds_alternative<WalRecord>(n));
  CHECK(unpack_kv_put(std::get<WalRecord>(n).payload)->key == "c");
}
