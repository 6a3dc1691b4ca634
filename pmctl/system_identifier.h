// A new cluster's system identifier, built as initdb builds it (BootStrapXLOG):
// seconds in the high 32 bits, microseconds shifted by 12, the low 12 bits of
// the pid. Unique enough that a standby can tell its primary from a stranger.
#pragma once

#include <cstdint>

namespace pmemu::pmctl {

[[nodiscard]] constexpr std::uint64_t make_system_identifier(std::uint64_t seconds,
                                                             std::uint64_t usec,
                                                             std::uint64_t pid) {
  return (seconds << 32) | (usec << 12) | (pid & 0xFFF);
}

// From the current time and this process's pid.
[[nodiscard]] std::uint64_t new_system_identifier();

}  // namespace pmemu::pmctl
