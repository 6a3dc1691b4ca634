// What an armed fault point does and when: the pure part of fault points,
// unit-tested in tests/unit/faults/. No shared memory, no OS.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pmemu::faults {

enum class Action : std::uint32_t { None = 0, Error, Fatal, Panic, Kill9, Exit, Sleep, Wait };

struct FaultSpec {
  Action action = Action::None;
  std::int64_t arg = 0;        // exit code for Exit, milliseconds for Sleep
  std::uint64_t nth = 0;       // 0: every hit; else only the nth
  std::uint64_t times = 0;     // 0: no limit; else at most this many firings
  std::uint32_t p_millionths = 1000000;  // probability of firing, in 1e-6
  std::uint64_t seed = 0;
  std::int64_t pid = 0;        // 0: any process
};

// "error", "exit=3", "sleep=100", ... Returns false with `error` set.
bool parse_action(std::string_view text, FaultSpec* spec, std::string* error);
// "exit=3", "wait", ...: the action as `parse_action` reads it.
std::string action_text(const FaultSpec& spec);
// Probability "0.25" -> 250000; false unless 0 <= P <= 1.
bool parse_probability(std::string_view text, std::uint32_t* millionths, std::string* error);

struct NamedSpec {
  std::string name;
  FaultSpec spec;
};
// One entry `NAME:ACTION[:nth=N][:times=N][:p=P][:seed=S]` (the point name is
// checked against the catalogue).
bool parse_entry(std::string_view text, NamedSpec* out, std::string* error);
// The fault_points setting: entries separated by commas; "" arms nothing.
bool parse_setting(std::string_view text, std::vector<NamedSpec>* out, std::string* error);

// Whether hit number `hit` (1-based) fires, given how many times the point
// already fired. The probability draw depends only on (seed, hit): the same
// seed and the same hits give the same firings, in any process.
[[nodiscard]] bool decide(const FaultSpec& spec, std::uint64_t hit, std::uint64_t fired_before);

}  // namespace pmemu::faults
