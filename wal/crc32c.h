// CRC-32C (Castagnoli), the checksum of WAL records and pg_control.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it, else Boost.CRC; both
// give identical values, so files written on one machine verify on another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace pmemu::wal {

// CRC-32C of `data` (reflected, init and final xor 0xFFFFFFFF):
// crc32c("123456789") == 0xE3069283.
[[nodiscard]] std::uint32_t crc32c(std::span<const std::byte> data);

// Incremental form: start from kCrc32cInit, feed pieces in order with
// crc32c_extend, finish with crc32c_finish. Equal to crc32c() of the
// concatenation.
inline constexpr std::uint32_t kCrc32cInit = 0xFFFFFFFFu;
[[nodiscard]] std::uint32_t crc32c_extend(std::uint32_t state, std::span<const std::byte> data);
[[nodiscard]] constexpr std::uint32_t crc32c_finish(std::uint32_t state) { return state ^ 0xFFFFFFFFu; }

// The portable path, exposed so tests can compare it with the hardware path.
[[nodiscard]] std::uint32_t crc32c_extend_portable_for_test(std::uint32_t state,
                                                            std::span<const std::byte> data);

}  // namespace pmemu::wal
