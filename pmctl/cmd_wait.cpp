#include <algorithm>
#include <cstdio>
#include <optional>

#include "pmctl/event_pattern.h"
#include "pmctl/poll_wait.h"
#include "pmctl/report.h"
#include "pmctl/test_commands.h"

namespace pmemu::pmctl {

int run_wait_event(const WaitEventOptions& opts) {
  std::string error;
  auto pattern = parse_pattern_argv(opts.pattern, &error);
  if (!pattern) {
    print_error(error);
    return 2;
  }
  long since = opts.since;
  if (since <= 0) {
    std::string text = read_events_text(opts.data_dir);
    since = static_cast<long>(std::count(text.begin(), text.end(), '\n')) + 1;
  }
  std::optional<EventLine> found;
  auto outcome = poll_wait(WaitSpec{.timeout = opts.timeout, .condition = [&] {
                                      for (auto& e : parse_event_text(read_events_text(opts.data_dir), since))
                                        if (pattern->matches(e)) {
                                          found = e;
                                          return true;
                                        }
                                      return false;
                                    }});
  if (outcome == WaitOutcome::Met) {
    std::printf("%ld %s\n", found->line_no, found->raw.c_str());
    return 0;
  }
  std::printf("pmctl: timed out after %lld s waiting for \"%s\" from line %ld of %s\n",
              static_cast<long long>(opts.timeout.count()), pattern->text().c_str(), since,
              events_path(opts.data_dir).c_str());
  (void)run_diagnose(opts.data_dir, false);
  return 1;
}

}  // namespace pmemu::pmctl
