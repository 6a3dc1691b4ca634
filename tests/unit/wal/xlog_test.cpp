#include <doctest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/unit/wal/wal_fixture.h"
#include "wal/byte_order.h"

using namespace pmemu;
using namespace pmemu::wal;
using namespace pmemu::wal::testing;

namespace {

std::string key_of(const WalRecord& r) {
  auto kv = unpack_kv_put(r.payload);
  return kv ? std::string(kv->key) : std::string();
}

void overwrite(const std::string& path, std::uint64_t at, std::span<const std::byte> bytes) {
  int fd = ::open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(at)) == static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

}  // namespace

TEST_CASE("bootstrap writes one shutdown checkpoint at the start of segment 1") {
  WalFixture f;
  CHECK(f.boot.checkpoint == Lsn{kSeg});
  CHECK(f.boot.end == Lsn{kSeg + 56});
  CHECK(std::filesystem::file_size(f.seg_path(1)) == kSeg);
  auto rb = read_all(f.wal, f.boot.checkpoint);
  REQUIRE(rb.records.size() == 1);
  CHECK(rb.records[0].type == RecordType::CheckpointShutdown);
  auto c = unpack_checkpoint(rb.records[0].payload);
  REQUIRE(c);
  CHECK(c->redo == f.boot.checkpoint);
  CHECK(c->system_identifier == kSysId);
  CHECK(rb.end.at == f.boot.end);
  CHECK(rb.end.reason == "invalid record length at 0/100038: wanted 24, got 0");
}

TEST_CASE("insert, flush, read back with a fresh reader") {
  WalFixture f;
  Xlog x(f.ctl.get(), f.wal, FsyncEnabled{true});
  CHECK(x.insert_position() == f.boot.end);
  CHECK(x.last_record() == f.boot.checkpoint);
  const Lsn a = x.insert_position();
  const Lsn end_a = x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
  CHECK(end_a == a + ByteCount{max_align(24 + 8 + 2)});
  const Lsn end_b = x.insert(RecordType::KvUpdate, pack_kv_put("a", "22"));
  const Lsn end_c = x.insert(RecordType::KvDelete, pack_kv_delete("a"));
  CHECK(x.written() == end_c);
  CHECK(x.flushed() < end_c);
  x.flush(end_b);
  CHECK(x.flushed() == end_c);  // flushes all that was written, not just what was asked
  CHECK(x.last_record() == end_b);

  auto rb = read_all(f.wal, f.boot.checkpoint);
  REQUIRE(rb.records.size() == 4);
  CHECK(rb.records[1].lsn == a);
  CHECK(rb.records[1].prev == f.boot.checkpoint);
  CHECK(rb.records[2].prev == a);
  CHECK(rb.records[3].type == RecordType::KvDelete);
  CHECK(rb.records[3].end == end_c);
  CHECK(key_of(rb.records[2]) == "a");
  CHECK(rb.end.at == end_c);
  CHECK(rb.end.kind == WalEndKind::InvalidRecord);
}

TEST_CASE("records span segment files and the reader follows them") {
  WalFixture f;
  Xlog x(f.ctl.get(), f.wal, FsyncEnabled{false});
  const std::string value(8000, 'v');
  Lsn end;
  for (int i = 0; i < 300; ++i) end = x.insert(RecordType::KvInsert, pack_kv_put("k" + std::to_string(i), value));
  x.flush(end);
  CHECK(segno_of(end, kSeg) == SegNo{3});
  CHECK(std::filesystem::file_size(f.seg_path(2)) == kSeg);
  CHECK(std::filesystem::file_size(f.seg_path(3)) == kSeg);

  auto rb = read_all(f.wal, f.boot.checkpoint);
  REQUIRE(rb.records.size() == 301);
  int crossing = 0;
  for (int i = 0; i < 300; ++i) {
    const WalRecord& r = rb.records[static_cast<std::size_t>(i) + 1];
    CHECK(key_of(r) == "k" + std::to_string(i));
    CHECK(unpack_kv_put(r.payload)->value == value);
    if (segno_of(r.lsn, kSeg) != segno_of_end(r.end, kSeg)) ++crossing;
  }
  CHECK(crossing == 2);
  CHECK(rb.end.at == end);
}

TEST_CASE("SWITCH moves the next record to the next segment start") {
  WalFixture f;
  Xlog x(f.ctl.get(), f.wal, FsyncEnabled{true});
  (void)x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
  const Lsn before = x.insert_position();
  const Lsn seg2{2 * kSeg};
  CHECK(x.switch_segment() == seg2);
  CHECK(x.insert_position() == seg2);
  CHECK(x.last_record() == before);
  CHECK(x.switch_segment() == seg2);  // already at a segment start: nothing inserted
  CHECK(x.last_record() == before);
  const Lsn end = x.insert(RecordType::KvInsert, pack_kv_put("b", "2"));
  x.flush(end);

  auto rb = read_all(f.wal, f.boot.checkpoint);
  REQUIRE(rb.records.size() == 4);
  CHECK(rb.records[2].type == RecordType::Switch);
  CHECK(rb.records[2].lsn == before);
  CHECK(rb.records[2].end == seg2);
  CHECK(rb.records[3].lsn == seg2);
  CHECK(rb.records[3].prev == before);
  CHECK(rb.end.at == end);
}

TEST_CASE("a torn or damaged tail ends the WAL with the right reason") {
  WalFixture f;
  Xlog x(f.ctl.get(), f.wal, FsyncEnabled{true});
  (void)x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
  const Lsn last = x.insert_position();
  const Lsn end = x.insert(RecordType::KvInsert, pack_kv_put("b", std::string(100, 'x')));
  x.flush(end);
  const std::uint64_t off = offset_in_segment(last, kSeg);

  SUBCASE("a flipped payload byte fails the checksum") {
    const std::byte junk[1] = {std::byte{0x5A}};
    overwrite(f.seg_path(1), off + 60, junk);
    auto rb = read_all(f.wal, f.boot.checkpoint);
    CHECK(rb.records.size() == 2);
    CHECK(rb.end.at == last);
    CHECK(rb.end.reason == "incorrect resource manager data checksum in record at " + last.str());
  }
  SUBCASE("a zeroed header is a zero length") {
    const std::vector<std::byte> zeros(24);
    overwrite(f.seg_path(1), off, zeros);
    auto rb = read_all(f.wal, f.boot.checkpoint);
    CHECK(rb.records.size() == 2);
    CHECK(rb.end.reason == "invalid record length at " + last.str() + ": wanted 24, got 0");
  }
  SUBCASE("a file cut inside the record is a short read") {
    std::filesystem::resize_file(f.seg_path(1), off + 40);
    auto rb = read_all(f.wal, f.boot.checkpoint);
    CHECK(rb.records.size() == 2);
    CHECK(rb.end.at == last);
    CHECK(rb.end.kind == WalEndKind::ReadError);
    CHECK(rb.end.reason.find("could not read from file") != std::string::npos);
  }
  SUBCASE("a huge length is refused, not allocated") {
    std::vector<std::byte> len(4);
    put_le<std::uint32_t>(len, 0, 0xFFFFFFF0u);
    overwrite(f.seg_path(1), off, len);
    auto rb = read_all(f.wal, f.boot.checkpoint);
    CHECK(rb.end.reason == "record length 4294967280 at " + last.str() + " too long");
  }
}

TEST_CASE("stale bytes past the end are rejected by the prev-link") {
  WalFixture f;
  Xlog x(f.ctl.get(), f.wal, FsyncEnabled{true});
  const Lsn end = x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
  // A perfectly valid record, as an older use of this file could have left
  // it, but chained to a record that is not ours.
  const auto stale = encode_record(RecordType::KvInsert, Lsn{kSeg + 8}, pack_kv_put("ghost", "boo"));
  overwrite(f.seg_path(1), offset_in_segment(end, kSeg), stale);
  auto rb = read_all(f.wal, f.boot.checkpoint);
  CHECK(rb.records.size() == 2);
  CHECK(rb.end.at == end);
  CHECK(rb.end.reason == "record with incorrect prev-link 0/100008 at " + end.str());
}

TEST_CASE("start_at after a crash zero-fills what recovery did not accept") {
  WalFixture f;
  Lsn b_end, c_start;
  {
    Xlog x(f.ctl.get(), f.wal, FsyncEnabled{true});
    (void)x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
    b_end = x.insert(RecordType::KvInsert, pack_kv_put("b", "2"));
    c_start = b_end;
    (void)x.insert(RecordType::KvInsert, pack_kv_put("c", "3"));
    x.flush(x.insert(RecordType::KvInsert, pack_kv_put("d", "4")));
  }
  // Suppose recovery stopped after b (c was, say, torn). A new lifetime
  // starts there and writes x, the same size as c: without the zero-fill,
  // the old d would follow x with a matching prev-link.
  SharedCtl ctl2;
  Xlog x2(ctl2.get(), f.wal, FsyncEnabled{true});
  auto before = read_all(f.wal, f.boot.checkpoint);
  REQUIRE(before.records.size() == 5);
  REQUIRE(x2.start_at(b_end, before.records[2].lsn, TimeLineId{1}).ok());
  CHECK(x2.flushed() == b_end);
  const Lsn x_end = x2.insert(RecordType::KvInsert, pack_kv_put("x", "9"));
  x2.flush(x_end);
  auto rb = read_all(f.wal, f.boot.checkpoint);
  REQUIRE(rb.records.size() == 4);
  CHECK(key_of(rb.records[3]) == "x");
  CHECK(rb.records[3].lsn == c_start);
  CHECK(rb.end.at == x_end);
}

TEST_CASE("start_at on a new timeline copies the segment prefix from the old one") {
  WalFixture f;
  Lsn end, last;
  {
    Xlog x(f.ctl.get(), f.wal, FsyncEnabled{true});
    last = x.insert_position();
    end = x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
    x.flush(end);
  }
  SharedCtl ctl2;
  Xlog x2(ctl2.get(), f.wal, FsyncEnabled{true});
  REQUIRE(x2.start_at(end, last, TimeLineId{2}).ok());
  CHECK(x2.timeline() == TimeLineId{2});
  const Lsn eor = x2.insert(RecordType::EndOfRecovery, pack_end_of_recovery({TimeLineId{2}, TimeLineId{1}, 0}));
  x2.flush(eor);
  CHECK(std::filesystem::exists(f.seg_path(1, 2)));
  auto rb = read_all(f.wal, f.boot.checkpoint, TimeLineId{2});
  REQUIRE(rb.records.size() == 3);
  CHECK(key_of(rb.records[1]) == "a");
  CHECK(rb.records[2].type == RecordType::EndOfRecovery);
  // The old timeline's file is untouched.
  CHECK(read_all(f.wal, f.boot.checkpoint, TimeLineId{1}).records.size() == 2);

  SharedCtl ctl3;
  Xlog x3(ctl3.get(), f.wal, FsyncEnabled{true});
  auto bad = x3.start_at(Lsn{5 * kSeg + 8}, last, TimeLineId{3});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error.find("could not find WAL segment") != std::string::npos);
}

TEST_CASE("remove_segments_before deletes old segments of every timeline only") {
  WalFixture f;
  Xlog x(f.ctl.get(), f.wal, FsyncEnabled{false});
  (void)x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
  (void)x.switch_segment();
  (void)x.insert(RecordType::KvInsert, pack_kv_put("b", "2"));
  (void)x.switch_segment();
  (void)x.insert(RecordType::KvInsert, pack_kv_put("c", "3"));
  std::ofstream(f.seg_path(1, 2)) << "x";
  std::ofstream(f.wal + "/00000002.history") << "1\t0/100000\tno reason\n";
  auto removed = x.remove_segments_before(SegNo{3});
  REQUIRE(removed.ok());
  CHECK(removed.value() == 3);
  CHECK_FALSE(std::filesystem::exists(f.seg_path(1)));
  CHECK_FALSE(std::filesystem::exists(f.seg_path(2)));
  CHECK_FALSE(std::filesystem::exists(f.seg_path(1, 2)));
  CHECK(std::filesystem::exists(f.seg_path(3)));
  CHECK(std::filesystem::exists(f.wal + "/00000002.history"));
  // Still writable after losing its cached fds.
  const Lsn end = x.insert(RecordType::KvInsert, pack_kv_put("d", "4"));
  x.flush(end);
  CHECK(read_all(f.wal, Lsn{3 * kSeg}).records.size() == 2);
}

TEST_CASE("two processes insert concurrently into one chain") {
  WalFixture f;
  constexpr int kPerChild = 400;
  pid_t kids[2];
  for (int c = 0; c < 2; ++c) {
    kids[c] = ::fork();
    REQUIRE(kids[c] >= 0);
    if (kids[c] == 0) {
      Xlog x(f.ctl.get(), f.wal, FsyncEnabled{true});
      for (int i = 0; i < kPerChild; ++i) {
        const Lsn end = x.insert(RecordType::KvInsert,
                                 pack_kv_put("p" + std::to_string(c) + "-" + std::to_string(i), std::string(3000, 'v')));
        if (i % 50 == 49) {
          x.flush(end);
          if (x.flushed() < end) ::_exit(3);
        }
      }
      ::_exit(0);
    }
  }
  for (pid_t k : kids) {
    int st = 0;
    REQUIRE(::waitpid(k, &st, 0) == k);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 0);
  }
  Xlog x(f.ctl.get(), f.wal, FsyncEnabled{true});
  auto rb = read_all(f.wal, f.boot.checkpoint);
  REQUIRE(rb.records.size() == 1 + 2 * kPerChild);
  CHECK(rb.end.at == x.insert_position());
  CHECK(x.flushed() <= x.written());
  // The reader checked every prev-link; each child's records keep its order.
  int next[2] = {0, 0};
  for (std::size_t i = 1; i < rb.records.size(); ++i) {
    const std::string k = key_of(rb.records[i]);
    REQUIRE(k.size() > 3);
    const int c = k[1] - '0';
    CHECK(k == "p" + std::to_string(c) + "-" + std::to_string(next[c]));
    ++next[c];
  }
  CHECK(next[0] == kPerChild);
  CHECK(next[1] == kPerChild);
}

TEST_CASE("a missing next segment is the end of WAL, naming the file") {
  WalFixture f;
  Xlog x(f.ctl.get(), f.wal, FsyncEnabled{false});
  (void)x.insert(RecordType::KvInsert, pack_kv_put("a", "1"));
  const Lsn seg2 = x.switch_segment();
  auto rb = read_all(f.wal, f.boot.checkpoint);
  CHECK(rb.records.size() == 3);
  CHECK(rb.end.at == seg2);
  CHECK(rb.end.kind == WalEndKind::MissingSegment);
  CHECK(rb.end.reason == "end of WAL: file \"000000010000000000000002\" does not exist");
  CHECK(describe_end(rb.end) == "end of WAL at 0/200000: " + rb.end.reason);

  // The end is not sticky: once the record exists, the same reader goes on.
  WalReader r(f.wal, kSeg, TimeLineId{1});
  r.seek(seg2, rb.records.back().lsn);
  CHECK(std::holds_alternative<WalEnd>(r.next()));
  x.flush(x.insert(RecordType::KvDelete, pack_kv_delete("a")));
  auto n = r.next();
  REQUIRE(std::holds_alternative<WalRecord>(n));
  CHECK(std::get<WalRecord>(n).type == RecordType::KvDelete);
}
