#include "pmctl/system_identifier.h"

#include <sys/time.h>
#include <unistd.h>

namespace pmemu::pmctl {

std::uint64_t new_system_identifier() {
  timeval tv{};
  ::gettimeofday(&tv, nullptr);
  return make_system_identifier(static_cast<std::uint64_t>(tv.tv_sec),
                                static_cast<std::uint64_t>(tv.tv_usec),
                                static_cast<std::uint64_t>(::getpid()));
}

}  // namespace pmemu::pmctl
