#include "faults/spec.h"

#include <charconv>
#include <cmath>

#include "faults/catalogue.h"

namespace pmemu::faults {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <typename T>
bool parse_int(std::string_view s, T* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// splitmix64: a stateless mix, so a draw depends on (seed, hit) alone.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

bool parse_action(std::string_view text, FaultSpec* spec, std::string* error) {
  text = trim(text);
  const auto eq = text.find('=');
  const std::string_view word = text.substr(0, eq);
  const std::string_view arg = eq == std::string_view::npos ? std::string_view{} : text.substr(eq + 1);
  struct Plain {
    std::string_view name;
    Action action;
  };
  static constexpr Plain kPlain[] = {{"error", Action::Error}, {"fatal", Action::Fatal}, {"panic", Action::Panic},
                                     {"kill9", Action::Kill9}, {"wait", Action::Wait}};
  for (const auto& p : kPlain) {
    if (word == p.name && eq == std::string_view::npos) {
      spec->action = p.action;
      spec->arg = 0;
      return true;
    }
  }
  if ((word == "exit" || word == "sleep") && eq != std::string_view::npos) {
    std::int64_t n = 0;
    const bool is_exit = word == "exit";
    if (!parse_int(arg, &n) || n < 0 || (is_exit && n > 255)) {
      *error = "invalid " + std::string(word) + " argument \"" + std::string(arg) + "\"";
      return false;
    }
    spec->action = is_exit ? Action::Exit : Action::Sleep;
    spec->arg = n;
    return true;
  }
  *error = "invalid fault action \"" + std::string(text) +
           "\" (error, fatal, panic, kill9, exit=N, sleep=MS or wait)";
  return false;
}

std::string action_text(const FaultSpec& spec) {
  switch (spec.action) {
    case Action::None: return "";
    case Action::Error: return "error";
    case Action::Fatal: return "fatal";
    case Action::Panic: return "panic";
    case Action::Kill9: return "kill9";
    case Action::Exit: return "exit=" + std::to_string(spec.arg);
    case Action::Sleep: return "sleep=" + std::to_string(spec.arg);
    case Action::Wait: return "wait";
  }
  return "";
}

bool parse_probability(std::string_view text, std::uint32_t* millionths, std::string* error) {
  double p = 0;
  const std::string s(trim(text));
  char* end = nullptr;
  p = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(p >= 0.0 && p <= 1.0)) {
    *error = "invalid probability \"" + s + "\" (a number from 0 to 1)";
    return false;
  }
  *millionths = static_cast<std::uint32_t>(std::llround(p * 1e6));
  return true;
}

bool parse_entry(std::string_view text, NamedSpec* out, std::string* error) {
  text = trim(text);
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    *error = "fault point entry \"" + std::string(text) + "\" has no action (NAME:ACTION)";
    return false;
  }
  const std::string_view name = trim(text.substr(0, colon));
  if (!find_point(name)) {
    *error = "unknown fault point \"" + std::string(name) + "\"";
    return false;
  }
  out->name = std::string(name);
  out->spec = FaultSpec{};
  std::string_view rest = text.substr(colon + 1);
  bool first = true;
  while (true) {
    const auto next = rest.find(':');
    const std::string_view part = trim(rest.substr(0, next));
    if (first) {
      if (!parse_action(part, &out->spec, error)) return false;
      first = false;
    } else {
      const auto eq = part.find('=');
      const std::string_view key = part.substr(0, eq);
      const std::string_view val = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
      bool ok = eq != std::string_view::npos;
      if (ok && key == "nth") ok = parse_int(val, &out->spec.nth) && out->spec.nth > 0;
      else if (ok && key == "times") ok = parse_int(val, &out->spec.times) && out->spec.times > 0;
      else if (ok && key == "seed") ok = parse_int(val, &out->spec.seed);
      else if (ok && key == "pid") ok = parse_int(val, &out->spec.pid) && out->spec.pid > 0;
      else if (ok && key == "p") ok = parse_probability(val, &out->spec.p_millionths, error);
      else ok = false;
      if (!ok) {
        *error = "invalid fault point option \"" + std::string(part) + "\" (nth=N, times=N, p=P, seed=S, pid=PID)";
        return false;
      }
    }
    if (next == std::string_view::npos) break;
    rest = rest.substr(next + 1);
  }
  return true;
}

bool parse_setting(std::string_view text, std::vector<NamedSpec>* out, std::string* error) {
  out->clear();
  if (trim(text).empty()) return true;
  while (true) {
    const auto comma = text.find(',');
    NamedSpec e;
    if (!parse_entry(text.substr(0, comma), &e, error)) return false;
    out->push_back(std::move(e));
    if (comma == std::string_view::npos) return true;
    text = text.substr(comma + 1);
  }
}

bool decide(const FaultSpec& spec, std::uint64_t hit, std::uint64_t fired_before) {
  if (spec.action == Action::None) return false;
  if (spec.nth != 0 && hit != spec.nth) return false;
  if (spec.times != 0 && fired_before >= spec.times) return false;
  if (spec.p_millionths >= 1000000) return true;
  return mix(spec.seed ^ mix(hit)) % 1000000 < spec.p_millionths;
}

}  // namespace pmemu::faults
