#include "pmctl/diagnose_parts.h"

#include <ctime>

#include "pmctl/event_pattern.h"

namespace pmemu::pmctl {
namespace {

std::string utc(std::int64_t unix_seconds) {
  if (unix_seconds == 0) return "never";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

std::optional<std::string> last_state_change(std::string_view events_text) {
  std::optional<std::string> out;
  for (const auto& e : parse_event_text(events_text, 1)) {
    const std::string* ev = e.get("ev");
    if (!ev || *ev != "state") continue;
    const std::string* from = e.get("from");
    const std::string* to = e.get("to");
    const std::string* ts = e.get("ts");
    out = (from ? *from : "?") + " -> " + (to ? *to : "?") + " at " + (ts ? *ts : "?") + " (line " +
          std::to_string(e.line_no) + ")";
  }
  return out;
}

std::string control_summary(const wal::ControlFile& c) {
  std::string s = "state: " + std::string(wal::db_state_name(c.state)) + "\n";
  s += "latest checkpoint: " + c.checkpoint.str() + ", redo " + c.redo.str() + ", timeline " +
       std::to_string(c.tli.get()) + ", at " + utc(c.checkpoint_time) + "\n";
  if (c.min_recovery_point.valid())
    s += "minimum recovery ending location: " + c.min_recovery_point.str() + " on timeline " +
         std::to_string(c.min_recovery_tli.get()) + "\n";
  s += "written: " + utc(c.time) + "\n";
  return s;
}

std::string parked_reason(char state, std::string_view wchan, std::string_view wait) {
  constexpr std::string_view kFault = "FaultPoint:";
  if (auto at = wait.find(kFault); at != std::string_view::npos)
    return "parked at fault point " + std::string(wait.substr(at + kFault.size()));
  switch (state) {
    case 'T': return "stopped by a signal (SIGSTOP?)";
    case 't': return "stopped by a tracer";
    case 'D': return "uninterruptible sleep in " + std::string(wchan);
    case 'Z': return "exited, not reaped yet";
    default: return "";
  }
}

std::vector<std::string> gdb_backtrace_argv(int pid, std::chrono::seconds limit) {
  // TERM first: gdb detaches on it; KILL 5 s later if it still hangs.
  return {"timeout", "-k", "5", std::to_string(limit.count()), "gdb", "-p", std::to_string(pid),
          "-batch", "-nx", "-ex", "thread apply all bt"};
}

}  // namespace pmemu::pmctl
