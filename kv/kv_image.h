// The checkpoint image of the kv table, base/kv.image (format:
// docs/kv-image.md).
//
// A checkpoint takes the table lock only for snapshot(), a memcpy-speed pass
// into private memory, and writes the file after releasing it. Startup loads
// the image of the checkpoint it recovers from, then replays WAL from the
// image's redo Lsn. Rows written between the redo point and the snapshot are
// both in the image and in the replayed WAL; replay is idempotent for them
// (a put of the same value, a delete of a missing key), which is why the
// image may be taken after the redo point is fixed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/strong_id.h"
#include "kv/kv_table.h"
#include "wal/lsn.h"
#include "wal/result.h"

namespace pmemu::kv {

// Every row of the table, already packed in the image's entry format, owned
// by the process that took it (not in shared memory).
struct KvSnapshot {
  std::uint64_t entries = 0;
  std::size_t bytes = 0;               // used bytes of `body`
  std::unique_ptr<std::byte[]> body;  // entries, back to back
};

// Copies every row out; the caller holds the lock for just this call.
[[nodiscard]] KvSnapshot snapshot(const KvTable::Locked& table);

using Fsync = TaggedBool<struct FsyncTag>;

// Writes `snap` with redo point `redo` to `path` so that a crash leaves
// either the old file or the new one: temp file `path`.tmp, fsync, rename,
// fsync of the directory (the fsyncs are skipped when fsync = off, as
// PostgreSQL's setting does). No lock needed.
[[nodiscard]] wal::Status write_image(const std::filesystem::path& path, const KvSnapshot& snap,
                                      Lsn redo, Fsync fsync = Fsync{true});

// Why an image could not be loaded. Do not renumber (callers switch on it).
enum class ImageStatus : std::uint8_t {
  Ok = 0,
  Missing = 1,    // no file: the caller decides whether that is an error
  Io = 2,         // could not open/stat/map it
  Truncated = 3,  // shorter than its header and entries say
  Corrupt = 4,    // bad magic, version, CRC, duplicate key, trailing bytes
  TooLarge = 5,   // does not fit in this kv_table_size
};

struct [[nodiscard]] LoadedImage {
  ImageStatus status = ImageStatus::Ok;
  std::string error;  // set unless kOk, ready to log
  Lsn redo;
  std::uint64_t entries = 0;
  [[nodiscard]] bool ok() const { return status == ImageStatus::Ok; }
};

// Replaces the table's contents with the image at `path`. The file is fully
// verified (structure, CRC) before the table is touched; if the rows then
// turn out not to fit, the table is left empty. Never crashes on bad input.
LoadedImage load_image(const std::filesystem::path& path, KvTable::Locked& table);

}  // namespace pmemu::kv
