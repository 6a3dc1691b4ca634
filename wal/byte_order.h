// Little-endian packing of fixed-width integers into byte buffers, for every
// on-disk format in wal/ (records, pg_control). Explicit shifts, so the
// formats are the same whatever the host's byte order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

namespace pmemu::wal {

template <typename U>
inline void put_le(std::span<std::byte> out, std::size_t at, U value) {
  static_assert(std::is_unsigned_v<U>);
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    out[at + i] = static_cast<std::byte>((value >> (8 * i)) & 0xffu);
  }
}

template <typename U>
[[nodiscard]] inline U get_le(std::span<const std::byte> in, std::size_t at) {
  static_assert(std::is_unsigned_v<U>);
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    v = static_cast<U>(v | (static_cast<U>(std::to_integer<std::uint8_t>(in[at + i])) << (8 * i)));
  }
  return v;
}

}  // namespace pmemu::wal
