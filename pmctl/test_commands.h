// The pmctl verbs for scripted tests (SPEC 10.2): events, wait, expect, ps,
// kill, diagnose. One cmd_*.cpp each; main.cpp maps the command line onto these.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/strong_id.h"

namespace pmemu::pmctl {

struct EventsOptions {
  std::string data_dir;
  bool follow = false;
  bool json = false;
  long since = 1;
};

struct WaitEventOptions {
  std::string data_dir;
  std::vector<std::string> pattern;  // EVENT [field=value]...
  std::chrono::seconds timeout{60};
  long since = 0;  // 0: the end of the file when called
};

struct ExpectOptions {
  std::string data_dir;
  std::vector<std::string> assertions;
  long since = 1;
};

struct KillOptions {
  std::string data_dir;
  std::string role;  // postmaster|startup|checkpointer|walsender|walreceiver|backend, or a pid
  std::string signal;
  bool all = false;
};

struct FaultOptions {
  std::string data_dir;
  std::string verb;  // arm | wakeup | clear | list
  std::string name;  // the point ("" with clear: every point)
  std::string action;
  std::uint64_t nth = 0;
  std::uint64_t times = 0;
  std::string probability;  // "" = always
  std::uint64_t seed = 0;
  std::int64_t pid = 0;
};

[[nodiscard]] int run_events(const EventsOptions& opts);
[[nodiscard]] int run_wait_event(const WaitEventOptions& opts);
[[nodiscard]] int run_expect(const ExpectOptions& opts);
[[nodiscard]] int run_ps(const std::string& data_dir, bool json);
[[nodiscard]] int run_kill(const KillOptions& opts);
// Always 0: a diagnosis of a stopped cluster is still a diagnosis.
[[nodiscard]] int run_diagnose(const std::string& data_dir, bool stacks);
[[nodiscard]] int run_fault(const FaultOptions& opts);
// pid -> "FaultPoint:NAME" for every process parked by a `wait` action.
[[nodiscard]] std::map<long long, std::string> parked_at_fault_points(const std::string& data_dir);

// DATADIR/events.jsonl, and its whole text ("" if absent).
[[nodiscard]] std::string events_path(const std::string& data_dir);
[[nodiscard]] std::string read_events_text(const std::string& data_dir);

// The postmaster's pid from postmaster.pid (invalid when there is none) and,
// in *status (may be null), its status line or why it could not be read.
[[nodiscard]] Pid postmaster_pid(const std::string& data_dir, std::string* status);

// The kernel wait channel of a process (/proc/PID/wchan), "-" when running.
[[nodiscard]] std::string wait_channel(Pid pid);

// The server log: the postmaster's stderr when it is a file, else DIR/log,
// DIR.log or a `log` next to DIR.
[[nodiscard]] std::optional<std::string> server_log_path(const std::string& data_dir, Pid pm);

// The cluster's processes as /proc shows them: the postmaster (from
// postmaster.pid) and its children.
struct ProcInfo {
  Pid pid;
  std::string ptype;  // §4 process type, from the process title
  char state = '?';   // /proc/PID/stat state
  std::string title;
  long long start_ticks = 0;  // /proc/PID/stat starttime, for "oldest"
  std::string since;          // start time, wall clock
};
[[nodiscard]] std::vector<ProcInfo> cluster_processes(const std::string& data_dir);

}  // namespace pmemu::pmctl
