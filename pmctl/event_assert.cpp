#include "pmctl/event_assert.h"

#include <algorithm>
#include <cstdlib>

namespace pmemu::pmctl {
namespace {

std::optional<EventPattern> pattern_of(std::vector<std::string>::const_iterator b,
                                       std::vector<std::string>::const_iterator e, std::string* error) {
  return parse_pattern(std::vector<std::string>(b, e), error);
}

const EventLine* first_match(const EventPattern& p, const std::vector<EventLine>& ev) {
  auto it = std::find_if(ev.begin(), ev.end(), [&](const EventLine& l) { return p.matches(l); });
  return it == ev.end() ? nullptr : &*it;
}

std::string at(const EventLine& l) { return "line " + std::to_string(l.line_no) + ": " + l.raw; }

bool compare(long have, Assertion::Op op, long n) {
  switch (op) {
    case Assertion::Op::Eq: return have == n;
    case Assertion::Op::Lt: return have < n;
    case Assertion::Op::Le: return have <= n;
    case Assertion::Op::Gt: return have > n;
    case Assertion::Op::Ge: return have >= n;
  }
  return false;
}

}  // namespace

std::optional<Assertion> parse_assertion(std::string_view text, std::string* error) {
  std::vector<std::string> w;
  if (!split_words(text, &w)) {
    *error = "unterminated quote in assertion \"" + std::string(text) + "\"";
    return std::nullopt;
  }
  Assertion a;
  a.text = std::string(text);
  const std::string usage = "assertion \"" + a.text + "\" is not one of: A before B, no A after B, count A OP N";
  if (w.size() >= 4 && w[0] == "count") {
    static const std::pair<const char*, Assertion::Op> kOps[] = {
        {"=", Assertion::Op::Eq}, {"==", Assertion::Op::Eq}, {"<", Assertion::Op::Lt},
        {"<=", Assertion::Op::Le}, {">", Assertion::Op::Gt}, {">=", Assertion::Op::Ge}};
    const std::string& op = w[w.size() - 2];
    const std::string& num = w.back();
    auto found = std::find_if(std::begin(kOps), std::end(kOps), [&](auto& p) { return op == p.first; });
    char* end = nullptr;
    long n = std::strtol(num.c_str(), &end, 10);
    if (found == std::end(kOps) || num.empty() || *end != '\0' || n < 0) {
      *error = usage;
      return std::nullopt;
    }
    auto p = pattern_of(w.begin() + 1, w.end() - 2, error);
    if (!p) return std::nullopt;
    a.kind = Assertion::Kind::Count;
    a.a = *p;
    a.op = found->second;
    a.n = n;
    return a;
  }
  const bool no = !w.empty() && w[0] == "no";
  const char* sep = no ? "after" : "before";
  auto first = w.begin() + (no ? 1 : 0);
  auto mid = std::find(first, w.end(), sep);
  if (mid == w.end() || mid == first || mid + 1 == w.end()) {
    *error = usage;
    return std::nullopt;
  }
  auto pa = pattern_of(first, mid, error);
  if (!pa) return std::nullopt;
  auto pb = pattern_of(mid + 1, w.end(), error);
  if (!pb) return std::nullopt;
  a.kind = no ? Assertion::Kind::NoAfter : Assertion::Kind::Before;
  a.a = *pa;
  a.b = *pb;
  return a;
}

Verdict evaluate(const Assertion& a, const std::vector<EventLine>& ev) {
  switch (a.kind) {
    case Assertion::Kind::Before: {
      const EventLine* fa = first_match(a.a, ev);
      const EventLine* fb = first_match(a.b, ev);
      if (!fa) return {false, "no event matches \"" + a.a.text() + "\""};
      if (!fb) return {false, "no event matches \"" + a.b.text() + "\""};
      if (fa->line_no < fb->line_no) return {true, {}};
      return {false, "the first \"" + a.b.text() + "\" comes first, " + at(*fb)};
    }
    case Assertion::Kind::NoAfter: {
      const EventLine* fb = first_match(a.b, ev);
      if (!fb) return {true, {}};
      for (auto& l : ev)
        if (l.line_no > fb->line_no && a.a.matches(l))
          return {false, "\"" + a.a.text() + "\" after the first \"" + a.b.text() + "\" (line " +
                             std::to_string(fb->line_no) + "), " + at(l)};
      return {true, {}};
    }
    case Assertion::Kind::Count: {
      long have = 0;
      const EventLine* last = nullptr;
      for (auto& l : ev)
        if (a.a.matches(l)) {
          ++have;
          last = &l;
        }
      if (compare(have, a.op, a.n)) return {true, {}};
      std::string why = std::to_string(have) + " events match \"" + a.a.text() + "\"";
      if (last) why += ", the last " + at(*last);
      return {false, why};
    }
  }
  return {false, "unknown assertion"};
}

}  // namespace pmemu::pmctl
