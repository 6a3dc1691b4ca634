#include <cstdio>

#include "pmctl/event_assert.h"
#include "pmctl/report.h"
#include "pmctl/test_commands.h"

namespace pmemu::pmctl {

int run_expect(const ExpectOptions& opts) {
  std::vector<Assertion> parsed;
  for (auto& text : opts.assertions) {
    std::string error;
    auto a = parse_assertion(text, &error);
    if (!a) {
      print_error(error);
      return 2;
    }
    parsed.push_back(std::move(*a));
  }
  auto events = parse_event_text(read_events_text(opts.data_dir), opts.since);
  for (auto& a : parsed) {
    Verdict v = evaluate(a, events);
    if (!v.ok) {
      std::printf("pmctl: expectation failed: %s\n  %s\n", a.text.c_str(), v.why.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace pmemu::pmctl
