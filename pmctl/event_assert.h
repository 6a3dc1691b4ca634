// The ASSERTIONs of `pmctl expect` (SPEC 10.2), over parsed events:
//   A before B     both exist, and the first A comes before the first B
//   no A after B   nothing matching A follows the first B
//   count A OP N   OP one of = < <= > >=
// A and B are EVENT patterns (event_pattern.h). Pure, unit-tested.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pmctl/event_pattern.h"

namespace pmemu::pmctl {

struct Assertion {
  enum class Kind { Before, NoAfter, Count };
  enum class Op { Eq, Lt, Le, Gt, Ge };
  Kind kind = Kind::Before;
  EventPattern a;
  EventPattern b;  // unused by kCount
  Op op = Op::Eq;
  long n = 0;
  std::string text;  // as given
};

[[nodiscard]] std::optional<Assertion> parse_assertion(std::string_view text, std::string* error);

struct Verdict {
  bool ok = false;
  std::string why;  // on failure: what is wrong, with the offending line when there is one
};

[[nodiscard]] Verdict evaluate(const Assertion& a, const std::vector<EventLine>& events);

}  // namespace pmemu::pmctl
