#include "wal/control_file.h"

#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

#include "wal/byte_order.h"
#include "wal/crc32c.h"
#include "wal/file_io.h"
#include "wal/segment.h"

namespace pmemu::wal {
namespace {

// Byte offsets of the packed fields; the CRC covers [0, kCrcAt).
constexpr std::size_t kMagicAt = 0, kVersionAt = 4, kSysIdAt = 8, kStateAt = 16, kTimeAt = 24,
                      kCheckpointAt = 32, kRedoAt = 40, kTliAt = 48, kPrevTliAt = 52, kMinRecAt = 56,
                      kMinRecTliAt = 64, kSegSizeAt = 68, kCkptTimeAt = 72, kCrcAt = 80;

std::string format_time(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[128];
  std::strftime(buf, sizeof buf, "%c", &tm);
  return buf;
}

void line(std::string& out, std::string_view label, const std::string& value) {
  // pg_controldata pads every label to 38 columns.
  out += label;
  out.append(label.size() < 38 ? 38 - label.size() : 1, ' ');
  out += value;
  out += '\n';
}

}  // namespace

std::string_view db_state_name(DbState s) {
  switch (s) {
    case DbState::Startup: return "starting up";
    case DbState::ShutDown: return "shut down";
    case DbState::ShutDownInRecovery: return "shut down in recovery";
    case DbState::ShutDowning: return "shutting down";
    case DbState::InCrashRecovery: return "in crash recovery";
    case DbState::InArchiveRecovery: return "in archive recovery";
    case DbState::InProduction: return "in production";
  }
  return "unrecognized status code";
}

std::array<std::byte, kControlFileSize> pack_control_file(const ControlFile& c) {
  std::array<std::byte, kControlFileSize> out{};
  std::span<std::byte> b(out);
  put_le<std::uint32_t>(b, kMagicAt, kControlFileMagic);
  put_le<std::uint32_t>(b, kVersionAt, kControlFileVersion);
  put_le<std::uint64_t>(b, kSysIdAt, c.system_identifier);
  put_le<std::uint32_t>(b, kStateAt, static_cast<std::uint32_t>(c.state));
  put_le<std::uint64_t>(b, kTimeAt, static_cast<std::uint64_t>(c.time));
  put_le<std::uint64_t>(b, kCheckpointAt, c.checkpoint.get());
  put_le<std::uint64_t>(b, kRedoAt, c.redo.get());
  put_le<std::uint32_t>(b, kTliAt, c.tli.get());
  put_le<std::uint32_t>(b, kPrevTliAt, c.prev_tli.get());
  put_le<std::uint64_t>(b, kMinRecAt, c.min_recovery_point.get());
  put_le<std::uint32_t>(b, kMinRecTliAt, c.min_recovery_tli.get());
  put_le<std::uint32_t>(b, kSegSizeAt, c.wal_segment_size);
  put_le<std::uint64_t>(b, kCkptTimeAt, static_cast<std::uint64_t>(c.checkpoint_time));
  put_le<std::uint32_t>(b, kCrcAt, crc32c(std::span<const std::byte>(out).first(kCrcAt)));
  return out;
}

Result<ControlFile> unpack_control_file(std::span<const std::byte> b, const std::string& path) {
  using R = Result<ControlFile>;
  if (b.size() != kControlFileSize) {
    return R::failure("file \"" + path + "\" has size " + std::to_string(b.size()) + ", expected " +
                      std::to_string(kControlFileSize));
  }
  if (get_le<std::uint32_t>(b, kMagicAt) != kControlFileMagic) {
    return R::failure("file \"" + path + "\" is not a pmemu control file (bad magic number)");
  }
  if (auto v = get_le<std::uint32_t>(b, kVersionAt); v != kControlFileVersion) {
    return R::failure("file \"" + path + "\" has control file version " + std::to_string(v) +
                      ", but this server needs version " + std::to_string(kControlFileVersion));
  }
  if (get_le<std::uint32_t>(b, kCrcAt) != crc32c(b.first(kCrcAt))) {
    return R::failure("incorrect checksum in control file \"" + path + "\"");
  }
  ControlFile c;
  c.system_identifier = get_le<std::uint64_t>(b, kSysIdAt);
  const auto state = get_le<std::uint32_t>(b, kStateAt);
  if (state > static_cast<std::uint32_t>(DbState::InProduction)) {
    return R::failure("control file \"" + path + "\" has invalid state " + std::to_string(state));
  }
  c.state = static_cast<DbState>(state);
  c.time = static_cast<std::int64_t>(get_le<std::uint64_t>(b, kTimeAt));
  c.checkpoint = Lsn{get_le<std::uint64_t>(b, kCheckpointAt)};
  c.redo = Lsn{get_le<std::uint64_t>(b, kRedoAt)};
  c.tli = TimeLineId{get_le<std::uint32_t>(b, kTliAt)};
  c.prev_tli = TimeLineId{get_le<std::uint32_t>(b, kPrevTliAt)};
  c.min_recovery_point = Lsn{get_le<std::uint64_t>(b, kMinRecAt)};
  c.min_recovery_tli = TimeLineId{get_le<std::uint32_t>(b, kMinRecTliAt)};
  c.wal_segment_size = get_le<std::uint32_t>(b, kSegSizeAt);
  c.checkpoint_time = static_cast<std::int64_t>(get_le<std::uint64_t>(b, kCkptTimeAt));
  if (!valid_segment_size(c.wal_segment_size)) {
    return R::failure("control file \"" + path + "\" has invalid WAL segment size " +
                      std::to_string(c.wal_segment_size));
  }
  return c;
}

Result<ControlFile> read_control_file(const std::string& datadir) {
  const std::string path = datadir + "/global/pg_control";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Result<ControlFile>::failure(io_error("open", path));
  // One byte more than a valid file, so an oversized file is noticed.
  std::array<std::byte, kControlFileSize + 1> buf{};
  auto n = pread_full(fd.get(), buf, 0, path);
  if (!n.ok()) return Result<ControlFile>::failure(n.error());
  return unpack_control_file(std::span<const std::byte>(buf).first(n.value()), path);
}

Status write_control_file(const std::string& datadir, const ControlFile& c) {
  const auto bytes = pack_control_file(c);
  return write_file_atomically(datadir + "/global", "pg_control.tmp", "pg_control", bytes, bytes.size());
}

std::string render_controldata(const ControlFile& c) {
  auto lsn = [](Lsn l) { return l.str(); };
  std::string out;
  line(out, "Database system identifier:", std::to_string(c.system_identifier));
  line(out, "Database cluster state:", std::string(db_state_name(c.state)));
  line(out, "pg_control last modified:", format_time(c.time));
  line(out, "Latest checkpoint location:", lsn(c.checkpoint));
  line(out, "Latest checkpoint's REDO location:", lsn(c.redo));
  line(out, "Latest checkpoint's REDO WAL file:",
       valid_segment_size(c.wal_segment_size)
           ? segment_file_name(c.tli, segno_of(c.redo, c.wal_segment_size), c.wal_segment_size)
           : std::string("?"));
  line(out, "Latest checkpoint's TimeLineID:", std::to_string(c.tli.get()));
  line(out, "Latest checkpoint's PrevTimeLineID:", std::to_string(c.prev_tli.get()));
  line(out, "Time of latest checkpoint:", format_time(c.checkpoint_time));
  line(out, "Minimum recovery ending location:", lsn(c.min_recovery_point));
  line(out, "Min recovery ending loc's timeline:", std::to_string(c.min_recovery_tli.get()));
  line(out, "Bytes per WAL segment:", std::to_string(c.wal_segment_size));
  return out;
}

}  // namespace pmemu::wal
