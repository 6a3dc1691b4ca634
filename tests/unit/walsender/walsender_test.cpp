// The pure parts of the walsender: chunking of flushed WAL, the wire
// payloads it sends and reads, the slot state file, and the replication::WalSndCtl
// claim / stopping protocol on plain memory.
#include <doctest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "protocol/stream_messages.h"
#include "replication/repl_slots.h"
#include "walsender/send_timeline.h"
#include "replication/slot_state_file.h"
#include "walsender/wal_source.h"
#include "replication/walsnd_ctl.h"

using namespace pmemu;
using namespace pmemu::walsender;

namespace {
constexpr std::uint32_t kSeg = 16 * 1024 * 1024;

struct CtlMemory {
  std::unique_ptr<std::byte[]> mem;
  replication::WalSndCtl* ctl;
  explicit CtlMemory(std::uint32_t n)
      : mem(new (std::align_val_t{64}) std::byte[replication::WalSndCtl::shmem_size(n)]), ctl(replication::WalSndCtl::shmem_init(mem.get(), n)) {}
};

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/walsender-unit-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};
}  // namespace

TEST_CASE("chunk_end sends at most 128 KiB, cut at a page boundary, never past a segment") {
  CHECK(chunk_end(Lsn{0x1000000}, Lsn{0x1000100}, kSeg) == Lsn{0x1000100});  // all of a small tail
  CHECK(chunk_end(Lsn{0x1000000}, Lsn{0x1100000}, kSeg) == Lsn{0x1000000 + kMaxSendSize});
  // Unaligned start with more pending: the end lands on a page boundary.
  Lsn e = chunk_end(Lsn{0x1000038}, Lsn{0x1100000}, kSeg);
  CHECK(e.get() % kWalPageSize == 0);
  CHECK(e.get() - 0x1000038 <= kMaxSendSize);
  // Never crosses into the next segment.
  CHECK(chunk_end(Lsn{0x1FFF000}, Lsn{0x2000500}, kSeg) == Lsn{0x2000000});
}

TEST_CASE("w, k and r payloads have PostgreSQL's sizes and big-endian fields") {
  auto w = protocol::pack_xlog_data_header(Lsn{0x0102030405060708}, Lsn{0x10}, 0x20);
  REQUIRE(w.size() == 25);
  CHECK(w[0] == 'w');
  CHECK(static_cast<unsigned char>(w[1]) == 0x01);
  CHECK(static_cast<unsigned char>(w[8]) == 0x08);
  auto k = protocol::pack_keepalive(Lsn{0x3000148}, 5, protocol::ReplyRequested{true});
  REQUIRE(k.size() == 18);
  CHECK(k[0] == 'k');
  CHECK(k[17] == 1);
  auto parsed = protocol::parse_stream_message(k);
  REQUIRE(std::holds_alternative<protocol::Keepalive>(parsed));
  CHECK(std::get<protocol::Keepalive>(parsed).wal_end == Lsn{0x3000148});
  auto r = protocol::pack_status_reply(Lsn{3}, Lsn{2}, Lsn{1}, 9, protocol::ReplyRequested{false});
  REQUIRE(r.size() == 34);
  auto back = protocol::parse_status_reply(r);
  REQUIRE(std::holds_alternative<protocol::StatusReply>(back));
  CHECK(std::get<protocol::StatusReply>(back).write == Lsn{3});
  CHECK(std::get<protocol::StatusReply>(back).flush == Lsn{2});
  CHECK(std::holds_alternative<std::string>(protocol::parse_status_reply(r.substr(0, 33))));
}

TEST_CASE("slot state file round-trips and rejects damage") {
  replication::SlotStateFile s{"standby_1", Lsn{0x3000148}, TimeLineId{2}};
  auto bytes = replication::pack_slot_state(s);
  auto back = replication::unpack_slot_state(bytes);
  REQUIRE(std::holds_alternative<replication::SlotStateFile>(back));
  CHECK(std::get<replication::SlotStateFile>(back).name == "standby_1");
  CHECK(std::get<replication::SlotStateFile>(back).restart_lsn == Lsn{0x3000148});
  CHECK(std::get<replication::SlotStateFile>(back).restart_tli == TimeLineId{2});
  auto flipped = bytes;
  flipped[10] ^= 0x40;
  CHECK(std::holds_alternative<std::string>(replication::unpack_slot_state(flipped)));
  CHECK(std::holds_alternative<std::string>(replication::unpack_slot_state(bytes.substr(0, bytes.size() - 1))));
}

TEST_CASE("WalSndCtl: claim until full, release frees, stopping handshake") {
  CtlMemory m(2);
  auto& ctl = *m.ctl;
  replication::SlotIdentity who{3, "pg_receivewal", "127.0.0.1"};
  replication::WalSnd* a = replication::claim_slot(ctl, 100, who);
  replication::WalSnd* b = replication::claim_slot(ctl, 101, who);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a != b);
  CHECK(replication::claim_slot(ctl, 102, who) == nullptr);  // max_wal_senders reached
  auto snap = replication::snapshot(ctl);
  REQUIRE(snap.size() == 2);
  CHECK(snap[0].application_name == "pg_receivewal");
  CHECK(snap[0].state == replication::WalSndState::Startup);

  CHECK_FALSE(replication::oldest_sent(ctl).valid());
  a->sent.store(Lsn{0x5000000});
  b->sent.store(Lsn{0x3000000});
  CHECK(replication::oldest_sent(ctl) == Lsn{0x3000000});

  CHECK_FALSE(replication::all_stopping(ctl));
  ctl.init_stopping.store(1);  // replication::init_stopping() also rings the walsenders' latches
  a->state.store(static_cast<std::uint32_t>(replication::WalSndState::Stopping));
  CHECK_FALSE(replication::all_stopping(ctl));
  replication::release_slot(*b);
  CHECK(replication::all_stopping(ctl));
  CHECK(replication::claim_slot(ctl, 103, who) == b);
  CHECK(b->stop_requested.load() == 1);  // a walsender arriving during shutdown is told at once
}

TEST_CASE("replication slots: create, duplicate, read, advance, checkpoint, reload, drop") {
  TempDir dir;
  const std::string data = dir.path.string();
  CtlMemory m(1);
  auto& ctl = *m.ctl;
  REQUIRE_FALSE(replication::create_slot(ctl, data, "s1", false, 0, Lsn{0x1000000}, TimeLineId{1}));
  auto dup = replication::create_slot(ctl, data, "s1", false, 0, Lsn{0x1000000}, TimeLineId{1});
  REQUIRE(dup);
  CHECK(dup->sqlstate == "42710");
  REQUIRE_FALSE(replication::create_slot(ctl, data, "tmp", true, 77, Lsn{0x2000000}, TimeLineId{1}));
  CHECK(std::filesystem::exists(dir.path / "pg_replslot" / "s1" / "state"));
  CHECK_FALSE(std::filesystem::exists(dir.path / "pg_replslot" / "tmp"));
  CHECK(replication::oldest_slot_lsn(ctl, data) == Lsn{0x1000000});

  REQUIRE_FALSE(replication::acquire_slot(ctl, data, "s1", 55));
  auto busy = replication::acquire_slot(ctl, data, "s1", 56);
  REQUIRE(busy);
  CHECK(busy->sqlstate == "55006");
  replication::advance_slot(ctl, "s1", Lsn{0x3000000});
  replication::advance_slot(ctl, "s1", Lsn{0x2000000});  // never backwards
  CHECK(replication::read_slot(ctl, data, "s1")->restart_lsn == Lsn{0x3000000});
  replication::checkpoint_slots(ctl, data);

  replication::release_slots_of(ctl, 77);  // the temporary slot dies with its walsender
  CHECK_FALSE(replication::read_slot(ctl, data, "tmp"));
  replication::release_slots_of(ctl, 55);

  CtlMemory fresh(1);  // as after a restart: loaded from pg_replslot/
  auto again = replication::read_slot(*fresh.ctl, data, "s1");
  REQUIRE(again);
  CHECK(again->restart_lsn == Lsn{0x3000000});
  REQUIRE_FALSE(replication::drop_slot(*fresh.ctl, data, "s1"));
  CHECK_FALSE(std::filesystem::exists(dir.path / "pg_replslot" / "s1"));
  CHECK(replication::drop_slot(*fresh.ctl, data, "s1")->sqlstate == "42704");
}

TEST_CASE("START_REPLICATION on the current timeline streams without end") {
  const auto h = std::get<wal::TimelineHistory>(wal::TimelineHistory::parse("1\t0/3000100\tx\n", TimeLineId{2}, "h"));
  for (auto requested : {std::optional<TimeLineId>{}, std::optional<TimeLineId>{TimeLineId{2}}}) {
    auto plan = plan_send_timeline(h, requested, Lsn{0x9000000});
    REQUIRE(std::holds_alternative<SendTimeline>(plan));
    const auto& s = std::get<SendTimeline>(plan);
    CHECK(s.tli == TimeLineId{2});
    CHECK_FALSE(s.historic);
    CHECK_FALSE(s.nothing_to_send(Lsn{0x9000000}));
    CHECK(s.file_tli(Lsn{0x3000000}, kSeg) == TimeLineId{2});
  }
}

TEST_CASE("START_REPLICATION on a timeline this server left streams up to the switch point") {
  const auto h = std::get<wal::TimelineHistory>(
      wal::TimelineHistory::parse("1\t0/3000100\tx\n2\t0/5000000\ty\n", TimeLineId{3}, "h"));
  auto plan = plan_send_timeline(h, TimeLineId{1}, Lsn{0x1000000});
  REQUIRE(std::holds_alternative<SendTimeline>(plan));
  const auto s1 = std::get<SendTimeline>(plan);
  CHECK(s1.tli == TimeLineId{1});
  CHECK(s1.historic);
  CHECK(s1.valid_upto == Lsn{0x3000100});
  CHECK(s1.next_tli == TimeLineId{2});
  // The segment holding the switch point is read from the child's file.
  CHECK(s1.file_tli(Lsn{0x2000000}, kSeg) == TimeLineId{1});
  CHECK(s1.file_tli(Lsn{0x3000000}, kSeg) == TimeLineId{2});
  CHECK_FALSE(s1.nothing_to_send(Lsn{0x3000000}));
  CHECK(s1.nothing_to_send(Lsn{0x3000100}));

  // Timeline 2 ended at a segment boundary: its last segment is its own.
  const auto s2 = std::get<SendTimeline>(plan_send_timeline(h, TimeLineId{2}, Lsn{0x3000000}));
  CHECK(s2.valid_upto == Lsn{0x5000000});
  CHECK(s2.next_tli == TimeLineId{3});
  CHECK(s2.file_tli(Lsn{0x4FFF000}, kSeg) == TimeLineId{2});
}

TEST_CASE("START_REPLICATION refuses timelines and start points outside this server's history") {
  const auto h = std::get<wal::TimelineHistory>(wal::TimelineHistory::parse("1\t0/3000100\tx\n", TimeLineId{2}, "h"));
  auto past = plan_send_timeline(h, TimeLineId{1}, Lsn{0x3000108});
  REQUIRE(std::holds_alternative<protocol::PgError>(past));
  const auto& e = std::get<protocol::PgError>(past);
  CHECK(e.sqlstate == "XX000");
  CHECK(e.message == "requested starting point 0/3000108 on timeline 1 is not in this server's history");
  CHECK(e.detail == "This server's history forked from timeline 1 at 0/3000100.");
  for (std::uint32_t t : {3u, 7u}) {
    auto unknown = plan_send_timeline(h, TimeLineId{t}, Lsn{0x1000000});
    REQUIRE(std::holds_alternative<protocol::PgError>(unknown));
    CHECK(std::get<protocol::PgError>(unknown).message ==
          "requested timeline " + std::to_string(t) + " is not in this server's history");
  }
}
