#include "wal/reader.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include "wal/segment.h"

namespace pmemu::wal {

WalReader::WalReader(std::string pg_wal_dir, std::uint32_t seg_size, TimeLineId tli)
    : WalReader(std::move(pg_wal_dir), seg_size, TimelineHistory::single(tli)) {}

WalReader::WalReader(std::string pg_wal_dir, std::uint32_t seg_size, TimelineHistory history)
    : dir_(std::move(pg_wal_dir)), seg_size_(seg_size), history_(std::move(history)) {
  buf_.reserve(kMaxRecordSize);
}

void WalReader::set_history(TimelineHistory history) {
  history_ = std::move(history);
  fd_ = UniqueFd{};  // the same segment may now be read from another timeline's file
  fd_segno_.reset();
}

void WalReader::seek(Lsn start, std::optional<Lsn> expected_prev) {
  pos_ = start;
  expected_prev_ = expected_prev;
}

std::optional<WalEnd> WalReader::open_segment(Lsn record, SegNo segno) {
  // The common case, once per record: still in the file of the record's own timeline.
  if (fd_.valid() && fd_segno_ == segno && fd_tli_ == history_.tli_of_point(record)) return std::nullopt;
  const auto candidates = history_.segment_files(record, segno, seg_size_);
  if (fd_.valid() && fd_segno_ == segno && std::find(candidates.begin(), candidates.end(), fd_tli_) != candidates.end())
    return std::nullopt;
  fd_ = UniqueFd{};
  fd_segno_.reset();
  for (TimeLineId tli : candidates) {
    const std::string path = dir_ + "/" + segment_file_name(tli, segno, seg_size_);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) {
      if (errno == ENOENT) continue;
      return WalEnd{record, WalEndKind::ReadError, io_error("open", path)};
    }
    fd_ = std::move(fd);
    fd_segno_ = segno;
    fd_tli_ = tli;
    return std::nullopt;
  }
  const std::string name = segment_file_name(candidates.front(), segno, seg_size_);
  return WalEnd{record, WalEndKind::MissingSegment, "end of WAL: file \"" + name + "\" does not exist"};
}

std::string WalReader::open_path() const {
  return dir_ + "/" + segment_file_name(fd_tli_, *fd_segno_, seg_size_);
}

std::optional<WalEnd> WalReader::read_stream(Lsn record, Lsn at, std::span<std::byte> out) {
  while (!out.empty()) {
    const SegNo segno = segno_of(at, seg_size_);
    if (auto e = open_segment(record, segno)) return e;
    const std::uint64_t off = offset_in_segment(at, seg_size_);
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), seg_size_ - off));
    const std::string path = open_path();
    auto got = pread_full(fd_.get(), out.first(n), off, path);
    if (!got.ok()) return WalEnd{record, WalEndKind::ReadError, got.error()};
    if (got.value() < n) {
      return WalEnd{record, WalEndKind::ReadError,
                    "could not read from file \"" + path + "\" at offset " + std::to_string(off) + ": read " +
                        std::to_string(got.value()) + " of " + std::to_string(n)};
    }
    out = out.subspan(n);
    at += ByteCount{n};
  }
  return std::nullopt;
}

WalReadResult WalReader::next() {
  const Lsn at = pos_;
  if (!at.valid() || at.get() % 8 != 0) {
    return WalEnd{at, WalEndKind::InvalidRecord, "invalid record offset at " + at.str()};
  }
  buf_.resize(kRecordHeaderSize);
  if (auto e = read_stream(at, at, buf_)) return *e;
  auto header = decode_header(buf_, at, expected_prev_);
  if (!header.ok()) return WalEnd{at, WalEndKind::InvalidRecord, header.error()};
  const RecordHeader& h = header.value();
  buf_.resize(h.total_len);
  auto rest = std::span<std::byte>(buf_).subspan(kRecordHeaderSize);
  if (auto e = read_stream(at, at + ByteCount{kRecordHeaderSize}, rest)) return *e;
  if (auto s = verify_record(buf_, h, at); !s.ok()) return WalEnd{at, WalEndKind::InvalidRecord, s.error};

  WalRecord r;
  r.lsn = at;
  r.end = at + ByteCount{max_align(h.total_len)};
  // SWITCH gives up the rest of its segment: the next record starts the next file.
  if (h.type == RecordType::Switch && !at_segment_start(r.end, seg_size_)) {
    r.end = segment_start(SegNo{segno_of(r.end, seg_size_).get() + 1}, seg_size_);
  }
  r.type = h.type;
  r.prev = h.prev;
  r.total_len = h.total_len;
  r.payload.assign(buf_.begin() + kRecordHeaderSize, buf_.end());
  pos_ = r.end;
  expected_prev_ = at;
  return r;
}

std::string describe_end(const WalEnd& end) {
  const char* what = end.kind == WalEndKind::MissingSegment ? "end of WAL at " : "invalid record at ";
  return what + end.at.str() + ": " + end.reason;
}

}  // namespace pmemu::wal
