#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "pmctl/test_commands.h"
#include "pmctl/timeline_cli.h"
#include "pmctl/timeline_layout.h"
#include "pmctl/timeline_svg.h"

namespace pmemu::pmctl {
namespace {

// The directory's base name ("primary"), or "parent/data" for a directory
// named data, as the test harness makes them.
std::string node_name(const std::string& dir) {
  std::filesystem::path p = std::filesystem::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  std::string name = p.filename().string();
  if (name == "data" && p.has_parent_path()) name = p.parent_path().filename().string() + "/" + name;
  return name.empty() ? dir : name;
}

}  // namespace

int run_timeline(const TimelineCommandOptions& opts) {
  std::vector<TimelineNodeInput> nodes;
  for (const std::string& dir : opts.data_dirs) {
    if (!std::filesystem::exists(events_path(dir))) {
      std::fprintf(stderr, "pmctl: no events file \"%s\"\n", events_path(dir).c_str());
      return 1;
    }
    nodes.push_back({node_name(dir), parse_event_text(read_events_text(dir), 1)});
  }
  const auto first = first_event_time(nodes);
  if (!first) {
    std::fprintf(stderr, "pmctl: no events in %zu data director%s\n", nodes.size(), nodes.size() == 1 ? "y" : "ies");
    return 1;
  }
  TimelineOptions layout_opts;
  for (auto [text, bound, what] :
       {std::tuple{&opts.from, &layout_opts.from, "--from"}, std::tuple{&opts.to, &layout_opts.to, "--to"}}) {
    if (text->empty()) continue;
    *bound = parse_bound(*text, *first);
    if (!*bound) {
      std::fprintf(stderr,
                   "pmctl: %s \"%s\" is not a time: give a ts (2026-12-04T01:29:14.25Z), a time of day "
                   "(01:29:14.25) or seconds after the first event (2.5)\n",
                   what, text->c_str());
      return 2;
    }
  }
  if (layout_opts.from && layout_opts.to && *layout_opts.to <= *layout_opts.from) {
    std::fprintf(stderr, "pmctl: --to must be after --from\n");
    return 2;
  }
  const TimelineLayout layout = layout_timeline(nodes, layout_opts);
  const std::string svg = timeline_svg(layout, SvgOptions{.width = opts.width});
  errno = 0;
  std::ofstream out(opts.output, std::ios::binary | std::ios::trunc);
  out << svg;
  out.close();
  if (!out) {
    std::fprintf(stderr, "pmctl: could not write \"%s\": %s\n", opts.output.c_str(),
                 errno ? std::strerror(errno) : "write failed");
    return 1;
  }
  std::printf("%s: %zu nodes, %zu lanes in %zu rows, %zu marks, %zu signals, %zu events\n", opts.output.c_str(),
              layout.nodes.size(), layout.lanes.size(), layout.rows.size(), layout.marks.size(), layout.arrows.size(),
              layout.event_count);
  return 0;
}

void add_timeline_command(CLI::App* app, std::function<int()>* action) {
  static TimelineCommandOptions opts;  // must outlive main's parse
  auto* cmd = app->add_subcommand("timeline", "draw the events of one or more clusters as one SVG picture");
  cmd->footer(
      "One lane per process, grouped by node (one node per -D), the postmaster on top with its\n"
      "states as coloured bands; signals are arrows, checkpoints and other events are marks; hover\n"
      "anything for its event. --from/--to zoom: a ts (2026-12-04T01:29:14.25Z), a time of day\n"
      "(01:29:14.25, as pmctl events prints it) or seconds after the first event (2.5).\n"
      "See docs/timeline.md.");
  cmd->add_option("-D,--pgdata", opts.data_dirs, "data directory (repeat for several nodes)")->required();
  cmd->add_option("-o,--output", opts.output, "the SVG file to write")->required();
  cmd->add_option("--from", opts.from, "draw from this time");
  cmd->add_option("--to", opts.to, "draw until this time");
  cmd->add_option("--width", opts.width, "picture width in pixels (default 1600)")->check(CLI::Range(600, 20000));
  cmd->callback([action] { *action = [] { return run_timeline(opts); }; });
}

}  // namespace pmemu::pmctl
