#include "wal/xlog.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "wal/segment.h"

namespace pmemu::wal {
namespace {

// More segments than a flush ever spans in practice; beyond this the oldest
// fds go, so a long-lived backend does not pin deleted segment files.
constexpr std::size_t kMaxCachedFds = 4;

std::string temp_name() { return "xlogtemp." + std::to_string(::getpid()); }

}  // namespace

Xlog::Xlog(XlogCtl* ctl, std::string pg_wal_dir, FsyncEnabled fsync, PanicHandler on_panic)
    : ctl_(ctl),
      dir_(std::move(pg_wal_dir)),
      fsync_(fsync),
      on_panic_(std::move(on_panic)),
      seg_size_(ctl->wal_segment_size) {
  if (ctl_->magic != XlogCtl::kMagic) std::abort();
  buf_.reserve(kMaxRecordSize);
}

void Xlog::panic(const std::string& reason) const {
  if (on_panic_) on_panic_(reason);
  std::abort();
}

std::string Xlog::path_of(TimeLineId tli, SegNo segno) const {
  return dir_ + "/" + segment_file_name(tli, segno, seg_size_);
}

void Xlog::forget_fd(TimeLineId tli, SegNo segno) {
  std::erase_if(fds_, [&](const CachedFd& c) { return c.tli == tli && c.segno == segno; });
}

Result<int> Xlog::segment_fd(TimeLineId tli, SegNo segno) {
  for (auto& c : fds_) {
    if (c.tli == tli && c.segno == segno) return c.fd.get();
  }
  const std::string path = path_of(tli, segno);
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  if (!fd.valid()) return Result<int>::failure(io_error("open", path));
  if (fds_.size() >= kMaxCachedFds) {
    auto oldest = std::min_element(fds_.begin(), fds_.end(),
                                   [](const CachedFd& a, const CachedFd& b) { return a.segno < b.segno; });
    fds_.erase(oldest);
  }
  const int raw = fd.get();
  fds_.push_back(CachedFd{tli, segno, std::move(fd)});
  return raw;
}

Status Xlog::create_segment(TimeLineId tli, SegNo segno, std::span<const std::byte> prefix) {
  forget_fd(tli, segno);
  return write_file_atomically(dir_, temp_name(), segment_file_name(tli, segno, seg_size_), prefix, seg_size_);
}

void Xlog::write_stream(TimeLineId tli, Lsn at, std::span<const std::byte> data) {
  while (!data.empty()) {
    const SegNo segno = segno_of(at, seg_size_);
    const std::uint64_t off = offset_in_segment(at, seg_size_);
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), seg_size_ - off));
    // The chain enters each segment exactly once, at offset 0: that is when
    // its file is made, fresh and zeroed, replacing any leftover from before
    // a crash so no stale record can follow ours.
    if (off == 0) {
      if (auto s = create_segment(tli, segno, {}); !s.ok()) panic(s.error);
    }
    auto fd = segment_fd(tli, segno);
    if (!fd.ok()) panic(fd.error());
    if (auto s = pwrite_full(fd.value(), data.first(n), off, path_of(tli, segno)); !s.ok()) panic(s.error);
    data = data.subspan(n);
    at += ByteCount{n};
  }
}

Lsn Xlog::insert_locked(RecordType type, std::span<const std::byte> payload) {
  if (ctl_->insert_pos == 0) panic("WAL insert before start_at: the caller has a bug");
  const Lsn start{ctl_->insert_pos};
  const TimeLineId tli{ctl_->insert_tli};
  buf_.clear();
  encode_record_into(buf_, type, Lsn{ctl_->prev_record}, payload);
  write_stream(tli, start, buf_);
  Lsn end = start + ByteCount{max_align(buf_.size())};
  if (type == RecordType::Switch && !at_segment_start(end, seg_size_)) {
    end = segment_start(SegNo{segno_of(end, seg_size_).get() + 1}, seg_size_);
  }
  ctl_->insert_pos = end.get();
  ctl_->prev_record = start.get();
  ctl_->written.store(end, std::memory_order_release);
  return end;
}

Lsn Xlog::insert(RecordType type, std::span<const std::byte> payload) {
  shmem::RobustLock lock(ctl_->insert_lock);
  return insert_locked(type, payload);
}

Lsn Xlog::switch_segment() {
  shmem::RobustLock lock(ctl_->insert_lock);
  const Lsn pos{ctl_->insert_pos};
  if (at_segment_start(pos, seg_size_)) return pos;
  return insert_locked(RecordType::Switch, {});
}

void Xlog::flush(Lsn upto) {
  if (ctl_->flushed.load(std::memory_order_acquire) >= upto) return;
  Lsn now_flushed;
  {
    shmem::RobustLock lock(ctl_->flush_lock);
    const Lsn old = ctl_->flushed.load(std::memory_order_acquire);
    if (old >= upto) return;  // someone else's fdatasync covered us, and told the walsenders
    const Lsn w = ctl_->written.load(std::memory_order_acquire);
    if (w <= old) return;
    if (fsync_) {
      const TimeLineId tli{ctl_->tli.load(std::memory_order_relaxed)};
      const SegNo last = segno_of_end(w, seg_size_);
      for (SegNo s = segno_of(old, seg_size_); s <= last; s = SegNo{s.get() + 1}) {
        auto fd = segment_fd(tli, s);
        if (!fd.ok()) panic(fd.error());
        if (::fdatasync(fd.value()) != 0) panic(io_error("fdatasync", path_of(tli, s)));
      }
    }
    if (!ctl_->flushed.raise_to(w, std::memory_order_release)) return;
    now_flushed = w;
  }
  if (on_flushed_) on_flushed_(now_flushed);
}

Lsn Xlog::insert_position() const {
  shmem::RobustLock lock(ctl_->insert_lock);
  return Lsn{ctl_->insert_pos};
}

Lsn Xlog::last_record() const {
  shmem::RobustLock lock(ctl_->insert_lock);
  return Lsn{ctl_->prev_record};
}

Lsn Xlog::flushed() const { return ctl_->flushed.load(std::memory_order_acquire); }
Lsn Xlog::written() const { return ctl_->written.load(std::memory_order_acquire); }
TimeLineId Xlog::timeline() const { return TimeLineId{ctl_->tli.load(std::memory_order_relaxed)}; }

Status Xlog::start_at(Lsn end, Lsn last_record_lsn, TimeLineId tli) {
  if (!end.valid() || end.get() % 8 != 0) {
    return Status::failure("invalid end of WAL " + end.str() + " for start of WAL writing");
  }
  shmem::RobustLock lock(ctl_->insert_lock);
  fds_.clear();
  const SegNo segno = segno_of(end, seg_size_);
  const std::uint64_t off = offset_in_segment(end, seg_size_);
  if (off != 0) {
    const std::string path = path_of(tli, segno);
    if (::access(path.c_str(), F_OK) == 0) {
      static const std::vector<std::byte> kZeros(64 * 1024);
      auto fd = segment_fd(tli, segno);
      if (!fd.ok()) return Status::failure(fd.error());
      for (std::uint64_t o = off; o < seg_size_;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kZeros.size(), seg_size_ - o));
        if (auto s = pwrite_full(fd.value(), std::span(kZeros).first(n), o, path); !s.ok()) return s;
        o += n;
      }
      if (::fdatasync(fd.value()) != 0) return Status::failure(io_error("fdatasync", path));
    } else {
      // A new timeline: its first segment starts as a copy of the old one.
      std::optional<TimeLineId> source;
      for (std::uint32_t t = tli.get(); t-- > 1;) {
        if (::access(path_of(TimeLineId{t}, segno).c_str(), F_OK) == 0) {
          source = TimeLineId{t};
          break;
        }
      }
      if (!source) {
        return Status::failure("could not find WAL segment " + segment_file_name(tli, segno, seg_size_) +
                               " or one of an older timeline holding end of WAL " + end.str());
      }
      const std::string src = path_of(*source, segno);
      UniqueFd fd(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
      if (!fd.valid()) return Status::failure(io_error("open", src));
      std::vector<std::byte> prefix(off);
      auto got = pread_full(fd.get(), prefix, 0, src);
      if (!got.ok()) return Status::failure(got.error());
      if (got.value() != off) return Status::failure("file \"" + src + "\" is shorter than end of WAL " + end.str());
      if (auto s = create_segment(tli, segno, prefix); !s.ok()) return s;
    }
  }
  ctl_->insert_pos = end.get();
  ctl_->prev_record = last_record_lsn.get();
  ctl_->insert_tli = tli.get();
  ctl_->tli.store(tli.get(), std::memory_order_relaxed);
  ctl_->written.store(end, std::memory_order_release);
  ctl_->flushed.store(end, std::memory_order_release);
  return Status::success();
}

Result<int> Xlog::remove_segments_before(SegNo keep) {
  DIR* d = ::opendir(dir_.c_str());
  if (d == nullptr) return Result<int>::failure("could not open directory \"" + dir_ + "\": " + std::strerror(errno));
  std::vector<SegmentName> doomed;
  while (const dirent* e = ::readdir(d)) {
    auto n = parse_segment_file_name(e->d_name, seg_size_);
    if (n && n->segno < keep) doomed.push_back(*n);
  }
  ::closedir(d);
  int removed = 0;
  for (const auto& n : doomed) {
    forget_fd(n.tli, n.segno);
    const std::string path = path_of(n.tli, n.segno);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Result<int>::failure(io_error("remove", path));
    ++removed;
  }
  return removed;
}

}  // namespace pmemu::wal
