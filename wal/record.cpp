#include "wal/record.h"

#include <cstdlib>
#include <cstring>

#include "wal/byte_order.h"
#include "wal/crc32c.h"

namespace pmemu::wal {
namespace {

constexpr std::size_t kCrcOffset = 4;

std::span<const std::byte> as_bytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

std::string_view as_text(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

void append(std::vector<std::byte>& out, std::span<const std::byte> b) {
  out.insert(out.end(), b.begin(), b.end());
}

// CRC of the record as if its crc field were zero.
std::uint32_t record_crc(std::span<const std::byte> record) {
  static constexpr std::byte kZero[4] = {};
  std::uint32_t s = crc32c_extend(kCrc32cInit, record.first(kCrcOffset));
  s = crc32c_extend(s, kZero);
  s = crc32c_extend(s, record.subspan(kCrcOffset + 4));
  return crc32c_finish(s);
}

bool payload_well_formed(RecordType t, std::span<const std::byte> p) {
  switch (t) {
    case RecordType::KvInsert:
    case RecordType::KvUpdate: return unpack_kv_put(p).has_value();
    case RecordType::KvDelete: return unpack_kv_delete(p).has_value();
    case RecordType::CheckpointOnline:
    case RecordType::CheckpointShutdown: return p.size() == kCheckpointPayloadSize;
    case RecordType::EndOfRecovery: return p.size() == kEndOfRecoveryPayloadSize;
    case RecordType::Switch: return p.empty();
  }
  return false;
}

}  // namespace

std::optional<RecordType> record_type_from_byte(std::uint8_t b) {
  switch (b) {
    case 1: case 2: case 3: case 16: case 17: case 18: case 19:
      return static_cast<RecordType>(b);
    default:
      return std::nullopt;
  }
}

std::string_view record_type_name(RecordType t) {
  switch (t) {
    case RecordType::KvInsert: return "KV_INSERT";
    case RecordType::KvUpdate: return "KV_UPDATE";
    case RecordType::KvDelete: return "KV_DELETE";
    case RecordType::CheckpointOnline: return "CHECKPOINT_ONLINE";
    case RecordType::CheckpointShutdown: return "CHECKPOINT_SHUTDOWN";
    case RecordType::EndOfRecovery: return "END_OF_RECOVERY";
    case RecordType::Switch: return "SWITCH";
  }
  return "UNKNOWN";
}

void encode_record_into(std::vector<std::byte>& out, RecordType type, Lsn prev,
                        std::span<const std::byte> payload) {
  if (payload.size() > kMaxPayloadSize) std::abort();  // callers bound key/value sizes
  const std::size_t base = out.size();
  const auto total = static_cast<std::uint32_t>(kRecordHeaderSize + payload.size());
  out.resize(base + kRecordHeaderSize);
  std::span<std::byte> h(out.data() + base, kRecordHeaderSize);
  std::memset(h.data(), 0, h.size());
  put_le<std::uint32_t>(h, 0, total);
  put_le<std::uint64_t>(h, 8, prev.get());
  h[16] = static_cast<std::byte>(type);
  append(out, payload);
  std::span<std::byte> rec(out.data() + base, total);
  put_le<std::uint32_t>(rec, kCrcOffset, record_crc(rec));
}

std::vector<std::byte> encode_record(RecordType type, Lsn prev, std::span<const std::byte> payload) {
  std::vector<std::byte> out;
  out.reserve(kRecordHeaderSize + payload.size());
  encode_record_into(out, type, prev, payload);
  return out;
}

Result<RecordHeader> decode_header(std::span<const std::byte> header, Lsn at,
                                   std::optional<Lsn> expected_prev) {
  using R = Result<RecordHeader>;
  if (header.size() < kRecordHeaderSize) {
    return R::failure("record header at " + at.str() + " is truncated");
  }
  RecordHeader h;
  h.total_len = get_le<std::uint32_t>(header, 0);
  h.crc = get_le<std::uint32_t>(header, 4);
  h.prev = Lsn{get_le<std::uint64_t>(header, 8)};
  if (h.total_len < kRecordHeaderSize) {
    return R::failure("invalid record length at " + at.str() + ": wanted 24, got " +
                      std::to_string(h.total_len));
  }
  if (h.total_len > kMaxRecordSize) {
    return R::failure("record length " + std::to_string(h.total_len) + " at " + at.str() + " too long");
  }
  const auto type_byte = std::to_integer<std::uint8_t>(header[16]);
  auto type = record_type_from_byte(type_byte);
  if (!type) {
    return R::failure("invalid record type " + std::to_string(type_byte) + " at " + at.str());
  }
  h.type = *type;
  for (std::size_t i = 17; i < kRecordHeaderSize; ++i) {
    if (header[i] != std::byte{0}) {
      return R::failure("invalid record header at " + at.str() + ": reserved bytes are not zero");
    }
  }
  const bool prev_ok = expected_prev ? h.prev == *expected_prev : h.prev < at;
  if (!prev_ok) {
    return R::failure("record with incorrect prev-link " + h.prev.str() + " at " + at.str());
  }
  return h;
}

Status verify_record(std::span<const std::byte> record, const RecordHeader& h, Lsn at) {
  if (record.size() != h.total_len) return Status::failure("record at " + at.str() + " is truncated");
  if (record_crc(record) != h.crc) {
    return Status::failure("incorrect resource manager data checksum in record at " + at.str());
  }
  if (!payload_well_formed(h.type, record.subspan(kRecordHeaderSize))) {
    return Status::failure("invalid " + std::string(record_type_name(h.type)) + " payload at " + at.str());
  }
  return Status::success();
}

Result<DecodedRecord> decode_record(std::span<const std::byte> bytes, Lsn at,
                                    std::optional<Lsn> expected_prev) {
  using R = Result<DecodedRecord>;
  auto h = decode_header(bytes, at, expected_prev);
  if (!h.ok()) return R::failure(h.error());
  const RecordHeader& hdr = h.value();
  if (bytes.size() < hdr.total_len) return R::failure("record at " + at.str() + " is truncated");
  auto rec = bytes.first(hdr.total_len);
  if (auto s = verify_record(rec, hdr, at); !s.ok()) return R::failure(s.error);
  return DecodedRecord{hdr, rec.subspan(kRecordHeaderSize)};
}

// ---- payloads

std::vector<std::byte> pack_kv_put(std::string_view key, std::string_view value) {
  std::vector<std::byte> out(8);
  put_le<std::uint32_t>(out, 0, static_cast<std::uint32_t>(key.size()));
  put_le<std::uint32_t>(out, 4, static_cast<std::uint32_t>(value.size()));
  append(out, as_bytes(key));
  append(out, as_bytes(value));
  return out;
}

std::optional<KvPut> unpack_kv_put(std::span<const std::byte> p) {
  if (p.size() < 8) return std::nullopt;
  const std::uint64_t klen = get_le<std::uint32_t>(p, 0);
  const std::uint64_t vlen = get_le<std::uint32_t>(p, 4);
  if (8 + klen + vlen != p.size()) return std::nullopt;
  return KvPut{as_text(p.subspan(8, klen)), as_text(p.subspan(8 + klen, vlen))};
}

std::vector<std::byte> pack_kv_delete(std::string_view key) {
  std::vector<std::byte> out(4);
  put_le<std::uint32_t>(out, 0, static_cast<std::uint32_t>(key.size()));
  append(out, as_bytes(key));
  return out;
}

std::optional<KvDelete> unpack_kv_delete(std::span<const std::byte> p) {
  if (p.size() < 4) return std::nullopt;
  const std::uint64_t klen = get_le<std::uint32_t>(p, 0);
  if (4 + klen != p.size()) return std::nullopt;
  return KvDelete{as_text(p.subspan(4, klen))};
}

std::vector<std::byte> pack_checkpoint(const CheckpointPayload& c) {
  std::vector<std::byte> out(kCheckpointPayloadSize);
  put_le<std::uint64_t>(out, 0, c.redo.get());
  put_le<std::uint32_t>(out, 8, c.tli.get());
  put_le<std::uint32_t>(out, 12, c.prev_tli.get());
  put_le<std::uint64_t>(out, 16, static_cast<std::uint64_t>(c.time));
  put_le<std::uint64_t>(out, 24, c.system_identifier);
  return out;
}

std::optional<CheckpointPayload> unpack_checkpoint(std::span<const std::byte> p) {
  if (p.size() != kCheckpointPayloadSize) return std::nullopt;
  return CheckpointPayload{Lsn{get_le<std::uint64_t>(p, 0)}, TimeLineId{get_le<std::uint32_t>(p, 8)},
                           TimeLineId{get_le<std::uint32_t>(p, 12)},
                           static_cast<std::int64_t>(get_le<std::uint64_t>(p, 16)),
                           get_le<std::uint64_t>(p, 24)};
}

std::vector<std::byte> pack_end_of_recovery(const EndOfRecoveryPayload& e) {
  std::vector<std::byte> out(kEndOfRecoveryPayloadSize);
  put_le<std::uint32_t>(out, 0, e.new_tli.get());
  put_le<std::uint32_t>(out, 4, e.prev_tli.get());
  put_le<std::uint64_t>(out, 8, static_cast<std::uint64_t>(e.time));
  return out;
}

std::optional<EndOfRecoveryPayload> unpack_end_of_recovery(std::span<const std::byte> p) {
  if (p.size() != kEndOfRecoveryPayloadSize) return std::nullopt;
  return EndOfRecoveryPayload{TimeLineId{get_le<std::uint32_t>(p, 0)}, TimeLineId{get_le<std::uint32_t>(p, 4)},
                              static_cast<std::int64_t>(get_le<std::uint64_t>(p, 8))};
}

}  // namespace pmemu::wal
