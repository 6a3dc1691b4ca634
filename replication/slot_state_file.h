// The on-disk state of one physical replication slot,
// pg_replslot/<name>/state (docs/replication-slots.md). Written with
// wal::write_file_atomically, so a crash leaves the old or the new file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "wal/lsn.h"

namespace pmemu::replication {

struct SlotStateFile {
  std::string name;
  Lsn restart_lsn;
  TimeLineId restart_tli;
};

[[nodiscard]] std::string pack_slot_state(const SlotStateFile& s);
// The state, or why the bytes are not one (bad magic, version, length, CRC).
[[nodiscard]] std::variant<SlotStateFile, std::string> unpack_slot_state(std::string_view bytes);

}  // namespace pmemu::replication
