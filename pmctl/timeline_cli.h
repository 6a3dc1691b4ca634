// `pmctl timeline` (SPEC 10.5): its command line and its run function.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace pmemu::pmctl {

struct TimelineCommandOptions {
  std::vector<std::string> data_dirs;
  std::string output;  // FILE.svg
  std::string from;    // "" or a bound as timeline_time.h's parse_bound reads it
  std::string to;
  int width = 1600;
};

[[nodiscard]] int run_timeline(const TimelineCommandOptions& opts);

void add_timeline_command(CLI::App* app, std::function<int()>* action);

}  // namespace pmemu::pmctl
