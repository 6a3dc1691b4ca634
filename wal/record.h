// The WAL record format (docs/wal-format.md).
//
// An Lsn is a plain byte position in the WAL stream: there are no page
// headers. Every record starts 8-byte aligned and the next one starts at
// max_align(start + total_len). Header, 24 bytes, little-endian:
//
//   0  u32 total_len   header + payload, unaligned
//   4  u32 crc         CRC-32C of the whole record with this field zero
//   8  u64 prev        start Lsn of the previous record (0 for the first)
//  16  u8  type        RecordType
//  17  3 bytes zero, 20 u32 zero (reserved)
//
// The prev-link is what makes stale bytes harmless: a record left over from
// an older use of a file, or a torn write, cannot carry the Lsn of the record
// the reader has just read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wal/lsn.h"
#include "wal/result.h"

namespace pmemu::wal {

// Stored in the type byte: do not renumber.
enum class RecordType : std::uint8_t {
  KvInsert = 1,
  KvUpdate = 2,
  KvDelete = 3,
  CheckpointOnline = 16,
  CheckpointShutdown = 17,
  EndOfRecovery = 18,
  Switch = 19,
};

[[nodiscard]] std::optional<RecordType> record_type_from_byte(std::uint8_t b);
// "KV_INSERT", "CHECKPOINT_SHUTDOWN", ... as waldump prints them.
[[nodiscard]] std::string_view record_type_name(RecordType t);

inline constexpr std::size_t kRecordHeaderSize = 24;
// Far above a 1 kB key + 8 kB value; a larger length is corruption.
inline constexpr std::size_t kMaxRecordSize = 64 * 1024;
inline constexpr std::size_t kMaxPayloadSize = kMaxRecordSize - kRecordHeaderSize;

[[nodiscard]] constexpr std::uint64_t max_align(std::uint64_t n) { return (n + 7) & ~std::uint64_t{7}; }

struct RecordHeader {
  std::uint32_t total_len = 0;
  std::uint32_t crc = 0;
  Lsn prev;
  RecordType type = RecordType::Switch;
};

// Appends the complete record (header + payload, no alignment padding) to
// `out`. payload.size() <= kMaxPayloadSize (checked: abort otherwise).
void encode_record_into(std::vector<std::byte>& out, RecordType type, Lsn prev,
                        std::span<const std::byte> payload);
[[nodiscard]] std::vector<std::byte> encode_record(RecordType type, Lsn prev,
                                                   std::span<const std::byte> payload);

// Step 1 of decoding, on the first kRecordHeaderSize bytes of a record at
// `at`: length, reserved bytes, type and prev-link. With expected_prev the
// prev field must equal it; without (the first record after a seek) it must
// merely lie before `at`. Errors use PostgreSQL's wording, e.g.
// "invalid record length at 0/3000148: wanted 24, got 0".
[[nodiscard]] Result<RecordHeader> decode_header(std::span<const std::byte> header, Lsn at,
                                                 std::optional<Lsn> expected_prev);

// Step 2, on exactly total_len bytes: the checksum, then that the payload is
// well formed for its type.
[[nodiscard]] Status verify_record(std::span<const std::byte> record, const RecordHeader& h, Lsn at);

struct DecodedRecord {
  RecordHeader header;
  std::span<const std::byte> payload;  // points into the caller's buffer
};
// Both steps on a buffer starting at the record (it may run on past it).
[[nodiscard]] Result<DecodedRecord> decode_record(std::span<const std::byte> bytes, Lsn at,
                                                  std::optional<Lsn> expected_prev);

// ---- Payloads. pack_* build the bytes insert() takes; unpack_* return
// nullopt on a malformed payload. Views point into the given span.

// KV_INSERT and KV_UPDATE: u32 klen, u32 vlen, key, value.
struct KvPut {
  std::string_view key;
  std::string_view value;
};
[[nodiscard]] std::vector<std::byte> pack_kv_put(std::string_view key, std::string_view value);
[[nodiscard]] std::optional<KvPut> unpack_kv_put(std::span<const std::byte> payload);

// KV_DELETE: u32 klen, key.
struct KvDelete {
  std::string_view key;
};
[[nodiscard]] std::vector<std::byte> pack_kv_delete(std::string_view key);
[[nodiscard]] std::optional<KvDelete> unpack_kv_delete(std::span<const std::byte> payload);

// CHECKPOINT_ONLINE / CHECKPOINT_SHUTDOWN: u64 redo, u32 tli, u32 prev_tli,
// i64 time (unix seconds), u64 system_identifier.
struct CheckpointPayload {
  Lsn redo;
  TimeLineId tli;
  TimeLineId prev_tli;
  std::int64_t time = 0;
  std::uint64_t system_identifier = 0;
};
inline constexpr std::size_t kCheckpointPayloadSize = 32;
[[nodiscard]] std::vector<std::byte> pack_checkpoint(const CheckpointPayload& c);
[[nodiscard]] std::optional<CheckpointPayload> unpack_checkpoint(std::span<const std::byte> payload);

// END_OF_RECOVERY: u32 new_tli, u32 prev_tli, i64 time.
struct EndOfRecoveryPayload {
  TimeLineId new_tli;
  TimeLineId prev_tli;
  std::int64_t time = 0;
};
inline constexpr std::size_t kEndOfRecoveryPayloadSize = 16;
[[nodiscard]] std::vector<std::byte> pack_end_of_recovery(const EndOfRecoveryPayload& e);
[[nodiscard]] std::optional<EndOfRecoveryPayload> unpack_end_of_recovery(std::span<const std::byte> payload);

// SWITCH has an empty payload.

}  // namespace pmemu::wal
