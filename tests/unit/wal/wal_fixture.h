// A freshly bootstrapped pg_wal in a temp directory, with an XlogCtl in an
// anonymous MAP_SHARED mapping (so forked children share it, as processes
// share the real segment) and started after the bootstrap checkpoint.
#pragma once

#include <sys/mman.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "tests/unit/wal/temp_dir.h"
#include "wal/bootstrap.h"
#include "wal/reader.h"
#include "wal/segment.h"
#include "wal/xlog.h"

namespace pmemu::wal::testing {

inline constexpr std::uint32_t kSeg = 1024 * 1024;
inline constexpr std::uint64_t kSysId = 0x5EED;

class SharedCtl {
 public:
  SharedCtl() {
    mem_ = ::mmap(nullptr, XlogCtl::shmem_size(), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem_ == MAP_FAILED) throw std::runtime_error("mmap failed");
    ctl_ = XlogCtl::shmem_init(mem_, kSysId, kSeg);
  }
  ~SharedCtl() { ::munmap(mem_, XlogCtl::shmem_size()); }
  SharedCtl(const SharedCtl&) = delete;
  SharedCtl& operator=(const SharedCtl&) = delete;
  [[nodiscard]] XlogCtl* get() const { return ctl_; }

 private:
  void* mem_ = nullptr;
  XlogCtl* ctl_ = nullptr;
};

struct WalFixture {
  TempDir dir;
  std::string wal = dir.path() + "/pg_wal";
  SharedCtl ctl;
  BootstrapWal boot;

  WalFixture() {
    std::filesystem::create_directory(wal);
    auto b = bootstrap_wal(wal, kSeg, kSysId, 1700000000);
    if (!b.ok()) throw std::runtime_error(b.error());
    boot = b.value();
    Xlog x(ctl.get(), wal, FsyncEnabled{true});
    auto s = x.start_at(boot.end, boot.checkpoint, TimeLineId{1});
    if (!s.ok()) throw std::runtime_error(s.error);
  }

  [[nodiscard]] std::string seg_path(std::uint64_t segno, std::uint32_t tli = 1) const {
    return wal + "/" + segment_file_name(TimeLineId{tli}, SegNo{segno}, kSeg);
  }
};

struct ReadBack {
  std::vector<WalRecord> records;
  WalEnd end;
};

inline ReadBack read_all(const std::string& wal, Lsn from, TimeLineId tli = TimeLineId{1}) {
  WalReader r(wal, kSeg, tli);
  r.seek(from);
  ReadBack out;
  for (;;) {
    auto n = r.next();
    if (auto* e = std::get_if<WalEnd>(&n)) {
      out.end = *e;
      return out;
    }
    out.records.push_back(std::get<WalRecord>(std::move(n)));
  }
}

}  // namespace pmemu::wal::testing
