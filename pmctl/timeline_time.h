// Times of `pmctl timeline`: the events' `ts` (wall clock, UTC,
// YYYY-MM-DDTHH:MM:SS.uuuuuuZ, SPEC 10.1) as microseconds, and the --from /
// --to bounds a person types. Pure: no clock is read.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pmemu::pmctl {

// A wall-clock instant with the events' precision.
using WallTime = std::chrono::sys_time<std::chrono::microseconds>;

// "2026-12-04T01:29:14.256599Z"; fewer fraction digits and a missing Z are
// accepted. nullopt when it is not such a time.
[[nodiscard]] std::optional<WallTime> parse_ts(std::string_view text);

// A --from/--to bound, relative to `first` (the first event drawn):
//   a whole ts                       2026-12-04T01:29:14.25Z
//   a time of day on first's date    01:29:14.25 (as `pmctl events` prints it)
//   seconds after `first`            2.5, +2.5
// nullopt when it is none of these.
[[nodiscard]] std::optional<WallTime> parse_bound(std::string_view text, WallTime first);

// "01:29:14.2566" with `digits` fraction digits (0..6), for tick labels.
[[nodiscard]] std::string format_time_of_day(WallTime t, int digits);
// "2026-12-04"
[[nodiscard]] std::string format_date(WallTime t);

}  // namespace pmemu::pmctl
