#include "walreceiver/wal_file_writer.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wal/file_io.h"
#include "wal/segment.h"

namespace pmemu::walreceiver {

std::string WalFileWriter::open_segment(std::uint64_t segno) {
  const std::string name = wal::segment_file_name(tli_, SegNo{segno}, seg_size_);
  const std::string path = dir_ + "/" + name;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || st.st_size != static_cast<off_t>(seg_size_)) {
    auto created = wal::write_file_atomically(dir_, "xlogtemp." + std::to_string(::getpid()), name, {}, seg_size_);
    if (!created.ok()) return created.error;
  }
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return wal::io_error("open", path);
  if (fd_.valid() && dirty_) to_sync_.push_back(std::move(fd_));
  fd_ = UniqueFd(fd);
  segno_ = segno;
  return {};
}

std::string WalFileWriter::write(Lsn start, std::string_view data) {
  std::uint64_t pos = start.get();
  std::size_t done = 0;
  while (done < data.size()) {
    const std::uint64_t segno = pos / seg_size_;
    if (segno != segno_) {
      if (auto err = open_segment(segno); !err.empty()) return err;
    }
    const std::uint64_t off = pos % seg_size_;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(data.size() - done, seg_size_ - off));
    auto st = wal::pwrite_full(fd_.get(), std::as_bytes(std::span(data.data() + done, n)), off,
                               dir_ + "/" + wal::segment_file_name(tli_, SegNo{segno}, seg_size_));
    if (!st.ok()) return st.error;
    dirty_ = true;
    pos += n;
    done += n;
  }
  end_ = Lsn{pos};
  return {};
}

std::string WalFileWriter::flush() {
  if (fsync_) {
    for (auto& fd : to_sync_)
      if (::fdatasync(fd.get()) != 0) return std::string("could not fdatasync WAL file: ") + std::strerror(errno);
    if (fd_.valid() && dirty_ && ::fdatasync(fd_.get()) != 0)
      return std::string("could not fdatasync WAL file: ") + std::strerror(errno);
  }
  to_sync_.clear();
  dirty_ = false;
  return {};
}

}  // namespace pmemu::walreceiver
