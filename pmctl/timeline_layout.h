// The pure half of `pmctl timeline` (SPEC 10.5): the events of one or more
// data directories become a layout model -- rows of lanes, lane ends, marks,
// signal arrows, the postmaster's state bands and density rows -- in time
// units, with no pixels and no files. timeline_svg.h draws it.
//
// A lane is one process: from its fork (or its first event, when the file
// began after its fork) to its exit. Lanes of the same kind on a node that
// do not overlap in time share a row (the checkpointers of successive crash
// cycles, a base backup's walsender and the streaming one after it), so a
// long run stays a few rows per node. Rows of a node are ordered by kind:
// postmaster first, then startup, checkpointer, walreceiver, walsenders (by
// application name), client backends; a node's density row comes last.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/strong_id.h"
#include "pmctl/event_pattern.h"
#include "pmctl/timeline_time.h"

namespace pmemu::pmctl {

// One data directory's events, in file order.
struct TimelineNodeInput {
  std::string name;  // shown above its rows
  std::vector<EventLine> events;
};

struct TimelineOptions {
  std::optional<WallTime> from;  // zoom: nothing before is drawn
  std::optional<WallTime> to;    // nothing after
  // More client backends than this in the window on a node: those that
  // lived less than collapse_fraction of the window become the node's
  // density row.
  std::size_t collapse_over = 40;
  double collapse_fraction = 0.1;
  std::size_t density_bins = 200;
};

// How a lane ends.
enum class LaneEnd {
  Clean,     // exit code 0, nobody asked it to
  Error,     // exit code != 0, nobody asked it to
  Killed,    // ended by a signal (kill -9, abort)
  Quit,      // exited after a stop signal from the postmaster (SIGTERM, SIGQUIT, SIGUSR2...)
  Vanished,  // no exit recorded, but the node restarted or its postmaster exited: gone unseen
  Open,      // no exit recorded and nothing says it is gone: alive when the events end
};
[[nodiscard]] const char* lane_end_name(LaneEnd e);

// A process kind's order on its node; also the key of row sharing.
enum class LaneKind { Postmaster, Startup, Checkpointer, Walreceiver, Walsender, Backend, Other };

struct Lane {
  std::size_t node = 0;
  std::size_t row = 0;  // index into TimelineLayout::rows
  Pid pid;
  LaneKind kind = LaneKind::Other;
  std::string ptype;  // the last §4 type seen (a connection's lane says walsender once it is one)
  std::string app;    // a walsender's application name
  int gen = 0;
  WallTime start;
  WallTime end;
  bool forked = false;         // start is its fork (else its first event, or the window's left edge)
  bool clipped_start = false;  // began before the window
  bool clipped_end = false;    // ends after the window
  LaneEnd end_kind = LaneEnd::Open;
  std::string end_label;   // "exit 0", "exit 1", "SIGKILL", "quit (exit 0)", "gone", "running"
  std::string end_event;   // the tooltip: the event that ended it, or why there is none
  bool collapsed = false;  // drawn only as part of its node's density row
};

struct Row {
  std::size_t node = 0;
  LaneKind kind = LaneKind::Other;
  std::string label;  // "postmaster", "walsender s1", "client backend", "client backends (density)"
  bool density = false;
  std::vector<std::size_t> lanes;  // in start order; none for a density row
  // Density rows: per bin (an equal slice of the window), the collapsed
  // client backends alive at some time in it, and those that ended in it
  // with an error or a signal.
  std::vector<int> alive;
  std::vector<int> bad_ends;
  std::size_t collapsed_count = 0;
};

enum class MarkKind {
  Checkpoint,          // checkpoint_start / checkpoint_done (restartpoints too)
  ShutdownCheckpoint,  // kind=shutdown: stands out, and a guide line crosses its node
  Promote,
  Refused,
  Redo,
  Reinit,
  Ready,
  ShutdownRequest,
  Walsender,    // walsender_state
  Walreceiver,  // walreceiver_state
  Fault,        // fault_hit
  Other,        // any other event, drawn plainly
};

struct Mark {
  std::size_t row = 0;
  std::optional<std::size_t> lane;  // none on a density row
  WallTime t;
  MarkKind kind = MarkKind::Other;
  std::string label;    // short text next to it
  std::string tooltip;  // the event: ts, pid, ev, fields
};

// A signal from the postmaster to a child.
struct Arrow {
  std::size_t from_row = 0;
  std::size_t to_row = 0;
  std::optional<std::size_t> to_lane;  // none when the child is in a density row
  WallTime t;
  std::string sig;
  std::string tooltip;
};

// A postmaster state, behind its lane.
struct Band {
  std::size_t row = 0;
  WallTime start;
  WallTime end;
  std::string state;  // PM_RUN...
  std::string tooltip;
};

struct TimelineNode {
  std::string name;
  std::string port;  // from its last postmaster_start; "" if none
  std::size_t first_row = 0;
  std::size_t row_count = 0;
};

struct TimelineLayout {
  WallTime origin;  // the first event of all nodes: what relative --from/--to count from
  WallTime start;   // the window drawn: the zoom, or the first and last events
  WallTime end;
  std::vector<TimelineNode> nodes;
  std::vector<Row> rows;  // nodes' rows in order, node 0 first
  std::vector<Lane> lanes;
  std::vector<Mark> marks;
  std::vector<Arrow> arrows;
  std::vector<Band> bands;
  std::vector<std::string> states;  // every state with a band, in order of first appearance (the legend)
  std::size_t event_count = 0;      // events inside the window
};

[[nodiscard]] TimelineLayout layout_timeline(const std::vector<TimelineNodeInput>& nodes, const TimelineOptions& opts);

// The first event's time over all nodes (what relative --from/--to count
// from); nullopt when there is no event with a ts.
[[nodiscard]] std::optional<WallTime> first_event_time(const std::vector<TimelineNodeInput>& nodes);

// "ts pid ptype ev field=value..." for a tooltip.
[[nodiscard]] std::string event_tooltip(const EventLine& e);

}  // namespace pmemu::pmctl
