// The one-line description of a record that `pmctl waldump` prints:
//   lsn: 0/03000148, prev 0/03000110, len: 114, type: CHECKPOINT_SHUTDOWN, desc: redo 0/03000148; tli 1
// lsn and prev use pg_waldump's zero-padded "%X/%08X"; len is total_len.
#pragma once

#include <span>
#include <string>

#include "wal/reader.h"

namespace pmemu::wal {

// "%X/%08X", as pg_waldump prints positions.
[[nodiscard]] std::string waldump_lsn(Lsn lsn);

// The part after "desc: ". KV records: "key 'k' (klen 1, vlen 5)"; keys over
// 64 bytes are cut with "..." and bytes outside printable ASCII print as \xNN.
[[nodiscard]] std::string describe_payload(RecordType type, std::span<const std::byte> payload);

[[nodiscard]] std::string describe_record(const WalRecord& r);

}  // namespace pmemu::wal
