#include "pmctl/timeline_time.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace pmemu::pmctl {
namespace {

using std::chrono::microseconds;

// Reads exactly n digits at s[*i].
bool digits(std::string_view s, std::size_t* i, int n, int* out) {
  int v = 0;
  for (int k = 0; k < n; ++k, ++*i) {
    if (*i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[*i]))) return false;
    v = v * 10 + (s[*i] - '0');
  }
  *out = v;
  return true;
}

bool expect(std::string_view s, std::size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

// "HH:MM:SS[.ffffff]" from s[*i] to the end or a 'Z'; the offset from midnight.
std::optional<microseconds> time_of_day(std::string_view s, std::size_t* i) {
  int h = 0, m = 0, sec = 0;
  if (!digits(s, i, 2, &h) || !expect(s, i, ':') || !digits(s, i, 2, &m) || !expect(s, i, ':') ||
      !digits(s, i, 2, &sec) || h > 23 || m > 59 || sec > 60)
    return std::nullopt;
  long long frac = 0;
  if (*i < s.size() && s[*i] == '.') {
    ++*i;
    int n = 0;
    while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i])) && n < 6) {
      frac = frac * 10 + (s[(*i)++] - '0');
      ++n;
    }
    if (n == 0) return std::nullopt;
    for (; n < 6; ++n) frac *= 10;
    while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i]))) ++*i;  // beyond microseconds
  }
  if (*i < s.size() && s[*i] == 'Z') ++*i;
  if (*i != s.size()) return std::nullopt;
  return std::chrono::hours(h) + std::chrono::minutes(m) + std::chrono::seconds(sec) + microseconds(frac);
}

}  // namespace

std::optional<WallTime> parse_ts(std::string_view s) {
  std::size_t i = 0;
  int y = 0, mo = 0, d = 0;
  if (!digits(s, &i, 4, &y) || !expect(s, &i, '-') || !digits(s, &i, 2, &mo) || !expect(s, &i, '-') ||
      !digits(s, &i, 2, &d) || !expect(s, &i, 'T'))
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  auto tod = time_of_day(s, &i);
  if (!tod) return std::nullopt;
  return WallTime(std::chrono::sys_days(ymd).time_since_epoch()) + *tod;
}

std::optional<WallTime> parse_bound(std::string_view s, WallTime first) {
  if (auto t = parse_ts(s)) return t;
  if (s.find(':') != std::string_view::npos) {
    std::size_t i = 0;
    auto tod = time_of_day(s, &i);
    if (!tod) return std::nullopt;
    return std::chrono::floor<std::chrono::days>(first) + *tod;
  }
  const std::string text(s);
  char* end = nullptr;
  const double secs = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isdigit(static_cast<unsigned char>(text.back())))
    return std::nullopt;
  return first + microseconds(static_cast<long long>(secs * 1e6 + (secs < 0 ? -0.5 : 0.5)));
}

std::string format_time_of_day(WallTime t, int digits_wanted) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const long long us = (t - day).count();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", us / 3600000000LL, us / 60000000LL % 60, us / 1000000LL % 60);
  std::string out = buf;
  if (digits_wanted > 0) {
    std::snprintf(buf, sizeof buf, ".%06lld", us % 1000000LL);
    out += std::string(buf).substr(0, static_cast<std::size_t>(1 + std::min(digits_wanted, 6)));
  }
  return out;
}

std::string format_date(WallTime t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

}  // namespace pmemu::pmctl
