#include <algorithm>
#include <cstdio>
#include <iostream>

#include "pmctl/event_pattern.h"
#include "pmctl/file_util.h"
#include "pmctl/poll_wait.h"
#include "pmctl/test_commands.h"

namespace pmemu::pmctl {
namespace {

// "12  10:56:41.342440  13589 postmaster  fork child_pid=13590 child_type=checkpointer"
void print_human(const EventLine& e) {
  const std::string* ts = e.get("ts");
  const std::string* pid = e.get("pid");
  const std::string* ptype = e.get("ptype");
  const std::string* ev = e.get("ev");
  std::string time = ts && ts->size() > 11 ? ts->substr(11, ts->size() - 12) : (ts ? *ts : "");
  std::string rest;
  for (auto& [k, v] : e.fields) {
    if (k == "ts" || k == "mono_ns" || k == "pid" || k == "ptype" || k == "ev") continue;
    rest += " " + k + "=" + (v.find(' ') == std::string::npos ? v : "'" + v + "'");
  }
  std::printf("%6ld  %s  %7s %-14s %s%s\n", e.line_no, time.c_str(), pid ? pid->c_str() : "?",
              ptype ? ptype->c_str() : "?", ev ? ev->c_str() : "?", rest.c_str());
}

void print_event(const EventLine& e, bool json) {
  if (json) std::printf("%s\n", e.raw.c_str());
  else print_human(e);
}

}  // namespace

std::string events_path(const std::string& data_dir) { return data_dir + "/events.jsonl"; }

std::string read_events_text(const std::string& data_dir) {
  return read_whole_file(events_path(data_dir), nullptr).value_or("");
}

int run_events(const EventsOptions& opts) {
  std::string text = read_events_text(opts.data_dir);
  for (auto& e : parse_event_text(text, opts.since)) print_event(e, opts.json);
  std::fflush(stdout);
  if (!opts.follow) return 0;
  // Follow: print each whole line as it arrives, until interrupted.
  long next = std::max(opts.since, static_cast<long>(std::count(text.begin(), text.end(), '\n')) + 1);
  for (;;) {
    (void)poll_wait(WaitSpec{.timeout = std::chrono::seconds(3600), .condition = [&] {
                               text = read_events_text(opts.data_dir);
                               return std::count(text.begin(), text.end(), '\n') >= next;
                             }});
    for (auto& e : parse_event_text(text, next)) print_event(e, opts.json);
    std::fflush(stdout);
    next = static_cast<long>(std::count(text.begin(), text.end(), '\n')) + 1;
  }
}

}  // namespace pmemu::pmctl
