// The pmctl verbs for scripted tests (SPEC 10.2): events, wait, expect, ps,
// kill. One cmd_*.cpp each; main.cpp maps the command line onto these.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
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
[[nodiscard]] int run_fault(const FaultOptions& opts);
// pid -> "FaultPoint:NAME" for every process parked by a `wait` action.
[[nodiscard]] std::map<long long, std::string> parked_at_fault_points(const std::string& data_dir);

// DATADIR/events.jsonl, and its whole text ("" if absent).
[[nodiscard]] std::string events_path(const std::string& data_dir);
[[nodiscard]] std::string read_events_text(const std::string& data_dir);

// What a timed-out wait prints (a small `pmctl diagnose`): the postmaster.pid
// status, pmctl ps, the last 20 events and the last 20 server log lines.
void print_dump(const std::string& data_dir);

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
