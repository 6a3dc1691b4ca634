#include "walsender/wal_source.h"

#include <cerrno>
#include <fcntl.h>
#include <span>

#include "wal/file_io.h"
#include "wal/segment.h"

namespace pmemu::walsender {

Lsn chunk_end(Lsn sent, Lsn flushed, std::uint32_t seg_size) {
  const std::uint64_t seg_end = (sent.get() / seg_size + 1) * std::uint64_t{seg_size};
  std::uint64_t end = flushed.get();
  if (end > seg_end) end = seg_end;
  if (end - sent.get() > kMaxSendSize) {
    end = sent.get() + kMaxSendSize;
    end -= end % kWalPageSize;
  }
  return Lsn{end};
}

wal::Status WalSource::read(TimeLineId tli, Lsn start, Lsn end, std::string& out) {
  const auto segno = wal::segno_of(start, seg_size_);
  const std::string name = wal::segment_file_name(tli, segno, seg_size_);
  const std::string path = dir_ + "/" + name;
  if (!fd_.valid() || open_segno_ != segno.get() || open_tli_ != tli.get()) {
    fd_ = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    const int open_errno = errno;
    open_segno_ = segno.get();
    open_tli_ = tli.get();
    if (!fd_.valid()) {
      if (open_errno == ENOENT) return wal::Status{"requested WAL segment " + name + " has already been removed"};
      return wal::Status{wal::io_error("open", path)};
    }
  }
  const std::size_t n = end.since(start).get();
  const std::size_t old = out.size();
  out.resize(old + n);
  auto got = wal::pread_full(fd_.get(), std::as_writable_bytes(std::span<char>(out.data() + old, n)),
                             wal::offset_in_segment(start, seg_size_), path);
  if (!got.ok()) return wal::Status{got.error()};
  if (got.value() != n) return wal::Status{"could not read from WAL segment " + name + ": read " +
                                           std::to_string(got.value()) + " of " + std::to_string(n)};
  return {};
}

}  // namespace pmemu::walsender
