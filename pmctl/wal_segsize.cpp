#include "pmctl/wal_segsize.h"

#include <bit>

namespace pmemu::pmctl {

std::variant<ByteCount, std::string> wal_segsize_bytes(std::int64_t megabytes) {
  if (megabytes < 1 || megabytes > 1024 ||
      !std::has_single_bit(static_cast<std::uint64_t>(megabytes))) {
    return std::string("argument of --wal-segsize must be a power of two between 1 and 1024");
  }
  return ByteCount{static_cast<std::uint64_t>(megabytes) * 1024 * 1024};
}

}  // namespace pmemu::pmctl
