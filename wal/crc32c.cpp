#include "wal/crc32c.h"

#include <boost/crc.hpp>
#include <cstring>

namespace pmemu::wal {
namespace {

std::uint32_t reverse_bits(std::uint32_t x) {
  std::uint32_t r = 0;
  for (int i = 0; i < 32; ++i) r |= ((x >> i) & 1u) << (31 - i);
  return r;
}

// Boost takes the initial remainder unreflected but reports the reflected
// register, so carrying a state from one call to the next needs one reversal.
std::uint32_t extend_portable(std::uint32_t state, std::span<const std::byte> data) {
  boost::crc_optimal<32, 0x1EDC6F41, 0, 0, true, true> c(reverse_bits(state));
  c.process_bytes(data.data(), data.size());
  return c.checksum();
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) std::uint32_t extend_sse42(std::uint32_t state,
                                                             std::span<const std::byte> data) {
  const std::byte* p = data.data();
  std::size_t n = data.size();
  std::uint64_t c = state;
  while (n >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    c = __builtin_ia32_crc32di(c, word);
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<std::uint32_t>(c);
  while (n > 0) {
    c32 = __builtin_ia32_crc32qi(c32, static_cast<unsigned char>(*p));
    ++p;
    --n;
  }
  return c32;
}

bool have_sse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

}  // namespace

std::uint32_t crc32c_extend(std::uint32_t state, std::span<const std::byte> data) {
#if defined(__x86_64__)
  if (have_sse42()) return extend_sse42(state, data);
#endif
  return extend_portable(state, data);
}

std::uint32_t crc32c_extend_portable_for_test(std::uint32_t state, std::span<const std::byte> data) {
  return extend_portable(state, data);
}

std::uint32_t crc32c(std::span<const std::byte> data) {
  return crc32c_finish(crc32c_extend(kCrc32cInit, data));
}

}  // namespace pmemu::wal
