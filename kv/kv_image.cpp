#include "kv/kv_image.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <span>
#include <string_view>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "wal/byte_order.h"
#include "wal/crc32c.h"

namespace pmemu::kv {
namespace {

// docs/kv-image.md. Bump kVersion on any change of layout.
constexpr std::array<char, 8> kMagic = {'P', 'M', 'K', 'V', 'I', 'M', 'G', '\n'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 32;
constexpr std::size_t kEntryHeaderBytes = 16;  // u32 klen, u32 vlen, u64 lsn
constexpr std::size_t kTrailerBytes = 4;       // u32 CRC-32C

std::string quoted(const std::filesystem::path& p) { return "\"" + p.string() + "\""; }

std::string os_error(std::string_view what, const std::filesystem::path& p, int err) {
  return std::string(what) + " " + quoted(p) + ": " + std::strerror(err);
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  // close(2) can report a delayed write error, so writers close explicitly.
  [[nodiscard]] int close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

// Owns a read-only mapping of a whole file.
class Mapping {
 public:
  Mapping(void* p, std::size_t n) : p_(p), n_(n) {}
  ~Mapping() {
    if (p_ != MAP_FAILED) ::munmap(p_, n_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  [[nodiscard]] std::span<const std::byte> bytes() const { return {static_cast<const std::byte*>(p_), n_}; }

 private:
  void* p_;
  std::size_t n_;
};

bool write_all(int fd, std::span<const std::byte> data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

std::array<std::byte, kHeaderBytes> pack_header(Lsn redo, std::uint64_t entries) {
  std::array<std::byte, kHeaderBytes> h{};
  std::memcpy(h.data(), kMagic.data(), kMagic.size());
  wal::put_le<std::uint32_t>(h, 8, kVersion);
  wal::put_le<std::uint32_t>(h, 12, kHeaderBytes);
  wal::put_le<std::uint64_t>(h, 16, redo.get());
  wal::put_le<std::uint64_t>(h, 24, entries);
  return h;
}

wal::Status fsync_dir(const std::filesystem::path& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0) return wal::Status::failure(os_error("could not open directory", dir, errno));
  if (::fsync(d.get()) != 0) return wal::Status::failure(os_error("could not fsync directory", dir, errno));
  return wal::Status::success();
}

LoadedImage failed(ImageStatus s, std::string why) {
  LoadedImage r;
  r.status = s;
  r.error = std::move(why);
  return r;
}

struct EntryView {
  std::string_view k, v;
  Lsn lsn;
};

// Reads the entry at `at`, or nullopt if it runs past `end`.
std::optional<EntryView> entry_at(std::span<const std::byte> file, std::size_t at, std::size_t end) {
  if (end - at < kEntryHeaderBytes) return std::nullopt;
  const std::uint64_t klen = wal::get_le<std::uint32_t>(file, at);
  const std::uint64_t vlen = wal::get_le<std::uint32_t>(file, at + 4);
  const Lsn lsn{wal::get_le<std::uint64_t>(file, at + 8)};
  if (end - at - kEntryHeaderBytes < klen + vlen) return std::nullopt;
  const char* p = reinterpret_cast<const char*>(file.data() + at + kEntryHeaderBytes);
  return EntryView{{p, klen}, {p + klen, vlen}, lsn};
}

// Structure and checksum, before anything touches the table.
LoadedImage verify(std::span<const std::byte> file, const std::filesystem::path& path) {
  const std::string name = "kv image file " + quoted(path);
  if (file.size() < kHeaderBytes + kTrailerBytes) {
    return failed(ImageStatus::Truncated, name + " is truncated: " + std::to_string(file.size()) + " bytes");
  }
  if (std::memcmp(file.data(), kMagic.data(), kMagic.size()) != 0) {
    return failed(ImageStatus::Corrupt, name + " has a bad magic number");
  }
  const auto version = wal::get_le<std::uint32_t>(file, 8);
  const auto header_bytes = wal::get_le<std::uint32_t>(file, 12);
  if (version != kVersion || header_bytes != kHeaderBytes) {
    return failed(ImageStatus::Corrupt, name + " has unsupported version " + std::to_string(version));
  }
  LoadedImage r;
  r.redo = Lsn{wal::get_le<std::uint64_t>(file, 16)};
  r.entries = wal::get_le<std::uint64_t>(file, 24);
  const std::size_t end = file.size() - kTrailerBytes;
  std::size_t at = kHeaderBytes;
  for (std::uint64_t i = 0; i < r.entries; ++i) {
    const auto e = entry_at(file, at, end);
    if (!e) {
      return failed(ImageStatus::Truncated, name + " is truncated: entry " + std::to_string(i) + " of " +
                                                 std::to_string(r.entries) + " runs past the end");
    }
    at += kEntryHeaderBytes + e->k.size() + e->v.size();
  }
  if (at != end) return failed(ImageStatus::Corrupt, name + " has bytes after its last entry");
  const std::uint32_t want = wal::get_le<std::uint32_t>(file, end);
  const std::uint32_t got = wal::crc32c(file.first(end));
  if (want != got) return failed(ImageStatus::Corrupt, name + " has an incorrect checksum");
  return r;
}

}  // namespace

KvSnapshot snapshot(const KvTable::Locked& table) {
  KvSnapshot s;
  // Each heap block holds a 16-byte header plus the key and value, so the
  // live heap bytes bound the packed size and one allocation suffices.
  const std::size_t bound = table.usage().heap_live_bytes;
  s.body = std::make_unique_for_overwrite<std::byte[]>(bound);
  const std::span<std::byte> out(s.body.get(), bound);
  table.for_each([&](std::string_view k, std::string_view v, Lsn lsn) {
    wal::put_le<std::uint32_t>(out, s.bytes, static_cast<std::uint32_t>(k.size()));
    wal::put_le<std::uint32_t>(out, s.bytes + 4, static_cast<std::uint32_t>(v.size()));
    wal::put_le<std::uint64_t>(out, s.bytes + 8, lsn.get());
    std::byte* p = out.data() + s.bytes + kEntryHeaderBytes;
    if (!k.empty()) std::memcpy(p, k.data(), k.size());
    if (!v.empty()) std::memcpy(p + k.size(), v.data(), v.size());
    s.bytes += kEntryHeaderBytes + k.size() + v.size();
    ++s.entries;
  });
  return s;
}

wal::Status write_image(const std::filesystem::path& path, const KvSnapshot& snap, Lsn redo, Fsync fsync) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  const auto header = pack_header(redo, snap.entries);
  const std::span<const std::byte> body(snap.body.get(), snap.bytes);
  std::uint32_t crc = wal::crc32c_extend(wal::kCrc32cInit, header);
  crc = wal::crc32c_finish(wal::crc32c_extend(crc, body));
  std::array<std::byte, kTrailerBytes> trailer{};
  wal::put_le<std::uint32_t>(trailer, 0, crc);

  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return wal::Status::failure(os_error("could not create file", tmp, errno));
  auto fail = [&](std::string_view what) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return wal::Status::failure(os_error(what, tmp, err));
  };
  if (!write_all(fd.get(), header) || !write_all(fd.get(), body) || !write_all(fd.get(), trailer)) {
    return fail("could not write file");
  }
  if (fsync && ::fsync(fd.get()) != 0) return fail("could not fsync file");
  if (fd.close() != 0) return fail("could not close file");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("could not rename file");
  if (!fsync) return wal::Status::success();
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  return fsync_dir(dir);
}

LoadedImage load_image(const std::filesystem::path& path, KvTable::Locked& table) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    return failed(err == ENOENT ? ImageStatus::Missing : ImageStatus::Io, os_error("could not open file", path, err));
  }
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) return failed(ImageStatus::Io, os_error("could not stat file", path, errno));
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size < kHeaderBytes + kTrailerBytes) {
    return failed(ImageStatus::Truncated,
                  "kv image file " + quoted(path) + " is truncated: " + std::to_string(size) + " bytes");
  }
  Mapping map(::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0), size);
  if (map.bytes().data() == MAP_FAILED) {
    return failed(ImageStatus::Io, os_error("could not map file", path, errno));
  }
  const std::span<const std::byte> file = map.bytes();
  LoadedImage r = verify(file, path);
  if (!r.ok()) return r;

  table.clear();
  std::size_t at = kHeaderBytes;
  for (std::uint64_t i = 0; i < r.entries; ++i) {
    const EntryView e = *entry_at(file, at, file.size() - kTrailerBytes);
    at += kEntryHeaderBytes + e.k.size() + e.v.size();
    if (table.contains(e.k)) {
      table.clear();
      return failed(ImageStatus::Corrupt, "kv image file " + quoted(path) + " holds a key twice");
    }
    if (!table.can_put(e.k, e.v.size())) {
      table.clear();
      return failed(ImageStatus::TooLarge, "kv image file " + quoted(path) + " holds " + std::to_string(r.entries) +
                                                " rows, more than fit in kv_table_size (" +
                                                std::to_string(i) + " did)");
    }
    table.put(e.k, e.v, e.lsn);
  }
  return r;
}

}  // namespace pmemu::kv
