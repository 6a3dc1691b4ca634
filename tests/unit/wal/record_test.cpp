#include <doctest.h>

#include <string>

#include "wal/byte_order.h"
#include "wal/record.h"
#include "wal/record_desc.h"

using namespace pmemu;
using namespace pmemu::wal;

TEST_CASE("record header layout is fixed little-endian") {
  const auto payload = pack_kv_put("k", "hello");
  const auto rec = encode_record(RecordType::KvInsert, Lsn{0x1000000}, payload);
  REQUIRE(rec.size() == kRecordHeaderSize + 8 + 1 + 5);
  CHECK(get_le<std::uint32_t>(rec, 0) == rec.size());
  CHECK(get_le<std::uint64_t>(rec, 8) == 0x1000000u);
  CHECK(std::to_integer<int>(rec[16]) == 1);
  for (std::size_t i = 17; i < 24; ++i) CHECK(rec[i] == std::byte{0});
  CHECK(get_le<std::uint32_t>(rec, 24) == 1u);  // klen
  CHECK(get_le<std::uint32_t>(rec, 28) == 5u);  // vlen
}

TEST_CASE("encode then decode round trip") {
  const Lsn at{0x1000038};
  const auto payload = pack_kv_put("key", std::string(8192, 'v'));
  const auto rec = encode_record(RecordType::KvUpdate, Lsn{0x1000000}, payload);
  auto d = decode_record(rec, at, Lsn{0x1000000});
  REQUIRE(d.ok());
  CHECK(d.value().header.type == RecordType::KvUpdate);
  auto kv = unpack_kv_put(d.value().payload);
  REQUIRE(kv);
  CHECK(kv->key == "key");
  CHECK(kv->value.size() == 8192);
  // Without an expected prev, a backwards prev-link is enough.
  CHECK(decode_record(rec, at, std::nullopt).ok());
}

TEST_CASE("decode rejects with PostgreSQL's reasons") {
  const Lsn at{0x3000148};
  const auto rec = encode_record(RecordType::KvDelete, Lsn{0x3000110}, pack_kv_delete("k"));

  SUBCASE("zero length") {
    std::vector<std::byte> zeros(64);
    auto d = decode_record(zeros, at, Lsn{0x3000110});
    REQUIRE_FALSE(d.ok());
    CHECK(d.error() == "invalid record length at 0/3000148: wanted 24, got 0");
  }
  SUBCASE("bad checksum") {
    auto bad = rec;
    bad[bad.size() - 1] ^= std::byte{1};
    auto d = decode_record(bad, at, Lsn{0x3000110});
    REQUIRE_FALSE(d.ok());
    CHECK(d.error() == "incorrect resource manager data checksum in record at 0/3000148");
  }
  SUBCASE("wrong prev-link") {
    auto d = decode_record(rec, at, Lsn{0x30000D8});
    REQUIRE_FALSE(d.ok());
    CHECK(d.error() == "record with incorrect prev-link 0/3000110 at 0/3000148");
    auto fwd = decode_record(rec, Lsn{0x3000100}, std::nullopt);
    REQUIRE_FALSE(fwd.ok());
    CHECK(fwd.error() == "record with incorrect prev-link 0/3000110 at 0/3000100");
  }
  SUBCASE("unknown type") {
    auto bad = rec;
    bad[16] = std::byte{42};
    auto d = decode_record(bad, at, Lsn{0x3000110});
    REQUIRE_FALSE(d.ok());
    CHECK(d.error() == "invalid record type 42 at 0/3000148");
  }
  SUBCASE("too long") {
    auto bad = rec;
    put_le<std::uint32_t>(bad, 0, kMaxRecordSize + 1);
    auto d = decode_record(bad, at, Lsn{0x3000110});
    REQUIRE_FALSE(d.ok());
    CHECK(d.error() == "record length 65537 at 0/3000148 too long");
  }
  SUBCASE("truncated buffer") {
    auto d = decode_record(std::span(rec).first(rec.size() - 1), at, Lsn{0x3000110});
    CHECK_FALSE(d.ok());
  }
  SUBCASE("payload that does not match its type, with a valid checksum") {
    const auto lying = encode_record(RecordType::KvInsert, Lsn{0x3000110}, pack_kv_delete("k"));
    auto d = decode_record(lying, at, Lsn{0x3000110});
    REQUIRE_FALSE(d.ok());
    CHECK(d.error() == "invalid KV_INSERT payload at 0/3000148");
  }
}

TEST_CASE("payload pack/unpack") {
  CheckpointPayload c{Lsn{0x3000148}, TimeLineId{2}, TimeLineId{1}, 1700000000, 0x123456789ABCDEF0ull};
  auto cp = unpack_checkpoint(pack_checkpoint(c));
  REQUIRE(cp);
  CHECK(cp->redo == c.redo);
  CHECK(cp->tli == c.tli);
  CHECK(cp->prev_tli == c.prev_tli);
  CHECK(cp->time == c.time);
  CHECK(cp->system_identifier == c.system_identifier);

  auto e = unpack_end_of_recovery(pack_end_of_recovery({TimeLineId{3}, TimeLineId{2}, -5}));
  REQUIRE(e);
  CHECK(e->new_tli == TimeLineId{3});
  CHECK(e->prev_tli == TimeLineId{2});
  CHECK(e->time == -5);

  const auto del = pack_kv_delete("abc");
  auto d = unpack_kv_delete(del);
  REQUIRE(d);
  CHECK(d->key == "abc");
  auto kv = pack_kv_put("a", "b");
  kv.pop_back();
  CHECK_FALSE(unpack_kv_put(kv));
  CHECK_FALSE(unpack_checkpoint(pack_end_of_recovery({})));
}

TEST_CASE("type numbers and names are stable") {
  CHECK(static_cast<int>(RecordType::KvInsert) == 1);
  CHECK(static_cast<int>(RecordType::CheckpointShutdown) == 17);
  CHECK(static_cast<int>(RecordType::Switch) == 19);
  CHECK(record_type_from_byte(18) == RecordType::EndOfRecovery);
  CHECK_FALSE(record_type_from_byte(4));
  CHECK(record_type_name(RecordType::CheckpointShutdown) == "CHECKPOINT_SHUTDOWN");
}

TEST_CASE("waldump line") {
  WalRecord r;
  r.lsn = Lsn{0x3000148};
  r.prev = Lsn{0x3000110};
  r.type = RecordType::CheckpointShutdown;
  r.payload = pack_checkpoint({Lsn{0x3000148}, TimeLineId{1}, TimeLineId{1}, 0, 1});
  r.total_len = static_cast<std::uint32_t>(kRecordHeaderSize + r.payload.size());
  CHECK(describe_record(r) ==
        "lsn: 0/03000148, prev 0/03000110, len: 56, type: CHECKPOINT_SHUTDOWN, desc: redo 0/03000148; tli 1");
  CHECK(describe_payload(RecordType::KvInsert, pack_kv_put("k", "hello")) == "key 'k' (klen 1, vlen 5)");
  CHECK(describe_payload(RecordType::KvDelete, pack_kv_delete("a'\n")) == "key 'a'\\x0A' (klen 3)");
  CHECK(describe_payload(RecordType::EndOfRecovery, pack_end_of_recovery({TimeLineId{2}, TimeLineId{1}, 0})) ==
        "tli 2; prev tli 1");
  CHECK(waldump_lsn(Lsn{0x1'0000'0000ull}) == "1/00000000");
  CHECK(describe_end({Lsn{0x3000148}, WalEndKind::InvalidRecord, "x"}) == "invalid record at 0/3000148: x");
}
