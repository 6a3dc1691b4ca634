// `init --wal-segsize MB`: initdb accepts a power of two from 1 to 1024 MB.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "wal/lsn.h"

namespace pmemu::pmctl {

inline constexpr std::int64_t kDefaultWalSegSizeMb = 16;

// Segment size in bytes, or initdb's message for a bad value.
[[nodiscard]] std::variant<ByteCount, std::string> wal_segsize_bytes(std::int64_t megabytes);

}  // namespace pmemu::pmctl
