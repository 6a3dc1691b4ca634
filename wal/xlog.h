// Xlog: one process's handle on the shared WAL (xlog_ctl.h), the hot path of
// every commit: insert() then flush().
//
// Each process that writes or flushes WAL owns one Xlog (backends,
// checkpointer, startup). It holds that process's open segment fds
// (O_CLOEXEC) and scratch buffer, nothing shared. Create it after fork, in
// the child; never share one between threads.
//
// I/O failures while writing or fsyncing WAL cannot be reported to the
// caller in any useful way (the commit is neither done nor undone), so, as
// PostgreSQL PANICs, they call the panic handler with the reason and then
// abort: the postmaster sees a crash and restarts from the WAL on disk.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/strong_id.h"
#include "wal/file_io.h"
#include "wal/lsn.h"
#include "wal/record.h"
#include "wal/result.h"
#include "wal/xlog_ctl.h"

namespace pmemu::wal {

using FsyncEnabled = TaggedBool<struct FsyncEnabledTag>;
// Called with the reason just before abort(); the process main logs it as PANIC.
using PanicHandler = std::function<void(const std::string& reason)>;
// Called by the process whose fdatasync moved the flush position, after it
// let go of the flush lock, with the new position: walsenders are told there
// (replication::announce_flushed), so no caller of flush() has to remember.
using FlushedHook = std::function<void(Lsn flushed)>;

class Xlog {
 public:
  Xlog(XlogCtl* ctl, std::string pg_wal_dir, FsyncEnabled fsync, PanicHandler on_panic = {});
  Xlog(const Xlog&) = delete;
  Xlog& operator=(const Xlog&) = delete;

  // Appends one record; returns its aligned end (where the next record will
  // start). The bytes are in the segment file (page cache) on return but not
  // durable until flush(end). Creates the next segment file when the record
  // reaches it. payload.size() <= kMaxPayloadSize.
  Lsn insert(RecordType type, std::span<const std::byte> payload);

  // Group commit: returns once everything below `upto` is durable. One
  // process fdatasyncs all that has been written so far; the others waiting
  // behind flush_lock find their Lsn covered and return without syncing.
  void flush(Lsn upto);
  void set_on_flushed(FlushedHook hook) { on_flushed_ = std::move(hook); }

  // pg_switch_wal: inserts SWITCH and moves the insert position to the next
  // segment start, which it returns. At a segment start already, inserts
  // nothing and returns the insert position.
  Lsn switch_segment();

  [[nodiscard]] Lsn insert_position() const;
  [[nodiscard]] Lsn last_record() const;
  [[nodiscard]] Lsn flushed() const;
  [[nodiscard]] Lsn written() const;
  [[nodiscard]] TimeLineId timeline() const;

  // Startup process, once recovery has found the end of valid WAL: the next
  // record goes at `end_of_valid_wal` (8-aligned) on timeline `tli`, with
  // prev-link `last_record_lsn`. Zero-fills the rest of that segment file so
  // stale bytes past the end can never be read as records. If the file does
  // not exist on `tli` (a new timeline) it is created from the same segment
  // of the newest older timeline, up to end_of_valid_wal, as PostgreSQL does.
  [[nodiscard]] Status start_at(Lsn end_of_valid_wal, Lsn last_record_lsn, TimeLineId tli);

  // Checkpointer: deletes segment files of every timeline whose segment
  // number is below `keep`. Returns how many were removed.
  [[nodiscard]] Result<int> remove_segments_before(SegNo keep);

  // SIGHUP may change the fsync setting.
  void set_fsync(FsyncEnabled fsync) { fsync_ = fsync; }

 private:
  struct CachedFd {
    TimeLineId tli;
    SegNo segno;
    UniqueFd fd;
  };

  Lsn insert_locked(RecordType type, std::span<const std::byte> payload);
  void write_stream(TimeLineId tli, Lsn at, std::span<const std::byte> data);
  [[nodiscard]] Status create_segment(TimeLineId tli, SegNo segno, std::span<const std::byte> prefix);
  // An open fd on an existing segment file, from the cache or opened now.
  [[nodiscard]] Result<int> segment_fd(TimeLineId tli, SegNo segno);
  void forget_fd(TimeLineId tli, SegNo segno);
  [[nodiscard]] std::string path_of(TimeLineId tli, SegNo segno) const;
  [[noreturn]] void panic(const std::string& reason) const;

  XlogCtl* ctl_;
  std::string dir_;
  FsyncEnabled fsync_;
  PanicHandler on_panic_;
  FlushedHook on_flushed_;
  std::uint32_t seg_size_;
  std::vector<CachedFd> fds_;
  std::vector<std::byte> buf_;
};

}  // namespace pmemu::wal
