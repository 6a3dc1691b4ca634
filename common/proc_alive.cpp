#include "common/proc_alive.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace pmemu {

std::optional<char> parse_proc_stat_state(std::string_view stat_text) {
  auto close = stat_text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // ") S ..." : one space, then the state letter.
  if (close + 2 >= stat_text.size() || stat_text[close + 1] != ' ') return std::nullopt;
  char state = stat_text[close + 2];
  if (state < 'A' || state > 'z') return std::nullopt;
  return state;
}

bool process_alive(Pid pid) {
  if (!pid.valid()) return false;
  if (::kill(pid.get(), 0) != 0 && errno != EPERM) return false;

  const std::string path = "/proc/" + std::to_string(pid.get()) + "/stat";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno != ENOENT;  // vanished between the two checks
  char buf[512];
  ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n <= 0) return true;  // exists but unreadable: trust kill()
  auto state = parse_proc_stat_state(std::string_view(buf, static_cast<std::size_t>(n)));
  return !(state && (*state == 'Z' || *state == 'X'));
}

}  // namespace pmemu
