// Sequential reader of the WAL stream in pg_wal/ (records per record.h).
//
// One per process that reads WAL (startup replaying, walsender, waldump);
// not shared, not thread-safe. It reads the files directly, so it sees
// whatever a writer has pwritten, flushed or not: callers that must only see
// durable WAL stop at XlogCtl::flushed themselves.
//
// Which file holds a record is decided by a timeline history: the record's
// own timeline per the history (TimelineHistory::tli_of_point of its start),
// falling back to a child timeline that branched inside the segment (its
// file starts as a copy). A reader made for one timeline reads only that
// timeline's files.
//
// next() never trusts the bytes: a length, type, prev-link or checksum that
// is wrong ends the stream with a reason, which is how the end of valid WAL
// is found after a crash. An end is not sticky: calling next() again retries
// the same position, so a tailing reader can poll for records that appear.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "wal/file_io.h"
#include "wal/lsn.h"
#include "wal/record.h"
#include "wal/timeline_history.h"

namespace pmemu::wal {

struct WalRecord {
  Lsn lsn;                // start of the record
  Lsn end;                // where the next record may start (aligned; a segment start after SWITCH)
  RecordType type = RecordType::Switch;
  Lsn prev;
  std::uint32_t total_len = 0;
  std::vector<std::byte> payload;
};

// Why a read stopped. In-memory only.
enum class WalEndKind {
  MissingSegment,  // the segment file holding the next bytes does not exist
  InvalidRecord,   // bytes are there but are not the next record (torn, stale, zero)
  ReadError,       // open/read failed, or a file is shorter than a segment
};

struct WalEnd {
  Lsn at;  // start of the record that could not be read
  WalEndKind kind = WalEndKind::InvalidRecord;
  std::string reason;  // e.g. "invalid record length at 0/3000148: wanted 24, got 0"
};

using WalReadResult = std::variant<WalRecord, WalEnd>;

class WalReader {
 public:
  // seg_size must satisfy valid_segment_size().
  WalReader(std::string pg_wal_dir, std::uint32_t seg_size, TimeLineId tli);
  WalReader(std::string pg_wal_dir, std::uint32_t seg_size, TimelineHistory history);

  // Follows a newer history from the next read on (the startup process,
  // when it moves to a new recovery target timeline).
  void set_history(TimelineHistory history);
  [[nodiscard]] const TimelineHistory& history() const { return history_; }

  // Positions the reader. With expected_prev the first record's prev-link
  // must equal it; without, it only has to point backwards.
  void seek(Lsn start, std::optional<Lsn> expected_prev = std::nullopt);

  [[nodiscard]] WalReadResult next();

  // Where the next call to next() reads.
  [[nodiscard]] Lsn position() const { return pos_; }

 private:
  // Fills `out` from the stream at `at`, across segment files.
  [[nodiscard]] std::optional<WalEnd> read_stream(Lsn record, Lsn at, std::span<std::byte> out);
  // Opens (or keeps) the file holding `segno` for the record at `record`.
  [[nodiscard]] std::optional<WalEnd> open_segment(Lsn record, SegNo segno);
  [[nodiscard]] std::string open_path() const;

  std::string dir_;
  std::uint32_t seg_size_;
  TimelineHistory history_;
  Lsn pos_;
  std::optional<Lsn> expected_prev_;
  UniqueFd fd_;
  std::optional<SegNo> fd_segno_;
  TimeLineId fd_tli_;
  std::vector<std::byte> buf_;
};

// The waldump line that ends a dump: "end of WAL at X/X: ..." or
// "invalid record at X/X: ...".
[[nodiscard]] std::string describe_end(const WalEnd& end);

}  // namespace pmemu::wal
