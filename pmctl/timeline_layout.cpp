#include "pmctl/timeline_layout.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>

namespace pmemu::pmctl {
namespace {

using std::chrono::microseconds;

// One event of a node, its time parsed.
struct TimedEvent {
  const EventLine* line = nullptr;
  WallTime t;
  long long mono = 0;
};

// A signal received, for the end kind and the arrow.
struct SignalSeen {
  std::size_t from_proc = 0;
  WallTime t;
  const EventLine* line = nullptr;
};

// A process as the whole file tells it, before the window is applied.
struct Proc {
  std::size_t node = 0;
  Pid pid;
  std::string ptype;
  std::string app;
  int gen = 0;
  WallTime start;
  WallTime last_seen;
  bool forked = false;
  bool ended = false;
  WallTime end;
  LaneEnd end_kind = LaneEnd::Open;
  std::string end_label;
  std::string end_event;
  bool asked_to_stop = false;
  std::vector<std::pair<WallTime, const EventLine*>> marks;
  std::vector<SignalSeen> signals;                            // received
  std::vector<std::pair<WallTime, const EventLine*>> states;  // a postmaster's state changes
};

std::string field(const EventLine& e, std::string_view name) {
  const std::string* v = e.get(name);
  return v ? *v : std::string();
}

long long number(const EventLine& e, std::string_view name, long long otherwise) {
  const std::string* v = e.get(name);
  if (!v || v->empty()) return otherwise;
  char* end = nullptr;
  const long long n = std::strtoll(v->c_str(), &end, 10);
  return *end == '\0' ? n : otherwise;
}

LaneKind kind_of(const std::string& ptype) {
  if (ptype == "postmaster") return LaneKind::Postmaster;
  if (ptype == "startup") return LaneKind::Startup;
  if (ptype == "checkpointer") return LaneKind::Checkpointer;
  if (ptype == "walreceiver") return LaneKind::Walreceiver;
  if (ptype == "walsender") return LaneKind::Walsender;
  if (ptype == "client backend") return LaneKind::Backend;
  return LaneKind::Other;
}

std::string row_label(const Lane& l) {
  if (l.kind == LaneKind::Walsender && !l.app.empty()) return "walsender " + l.app;
  return l.ptype.empty() ? "process" : l.ptype;
}

// A stop request: anything but a reload or a promotion asks the child to go.
bool is_stop_signal(const EventLine& e) {
  const std::string why = field(e, "why");
  return field(e, "sig") != "SIGHUP" && why != "reload" && why != "promote";
}

// Events of a node, with a ts, in the order of the machine's monotonic clock
// (the file's order when mono_ns is missing).
std::vector<TimedEvent> timed_events(const TimelineNodeInput& node) {
  std::vector<TimedEvent> out;
  for (const EventLine& e : node.events) {
    const std::string* ts = e.get("ts");
    if (!ts) continue;
    auto t = parse_ts(*ts);
    if (!t) continue;
    out.push_back({&e, *t, number(e, "mono_ns", 0)});
  }
  const bool all_mono = std::all_of(out.begin(), out.end(), [](const TimedEvent& x) { return x.mono > 0; });
  if (all_mono)
    std::stable_sort(out.begin(), out.end(), [](const TimedEvent& a, const TimedEvent& b) { return a.mono < b.mono; });
  return out;
}

// Builds the processes of every node from their events.
class ProcBuilder {
 public:
  std::vector<Proc> procs;
  std::vector<std::string> ports;
  WallTime data_end;

  void node(std::size_t n, const std::vector<TimedEvent>& events) {
    live_.clear();
    postmaster_.reset();
    ports.emplace_back();
    for (const TimedEvent& te : events) event(n, te);
  }

  // Whatever is still open when the events end.
  void finish() {
    for (Proc& p : procs) {
      if (p.ended) continue;
      p.end = std::max(data_end, p.last_seen);
      p.end_kind = LaneEnd::Open;
      p.end_label = "running";
      p.end_event = "no exit recorded: alive when the events end, or gone unseen since (its last event at " +
                    format_date(p.last_seen) + "T" + format_time_of_day(p.last_seen, 6) + "Z)";
    }
  }

 private:
  std::map<Pid, std::size_t> live_;  // this node's open processes
  std::optional<std::size_t> postmaster_;

  std::size_t open(std::size_t n, Pid pid, const std::string& ptype, WallTime t, int gen) {
    if (auto it = live_.find(pid); it != live_.end()) vanish(it->second, t, "its pid was forked again");
    Proc p;
    p.node = n;
    p.pid = pid;
    p.ptype = ptype;
    p.gen = gen;
    p.start = p.last_seen = t;
    procs.push_back(std::move(p));
    live_[pid] = procs.size() - 1;
    return procs.size() - 1;
  }

  std::size_t get(std::size_t n, Pid pid, const std::string& ptype, WallTime t, int gen) {
    if (auto it = live_.find(pid); it != live_.end()) {
      Proc& p = procs[it->second];
      if (!ptype.empty() && ptype != "client backend") p.ptype = ptype;  // a connection becomes a walsender
      p.last_seen = std::max(p.last_seen, t);
      return it->second;
    }
    return open(n, pid, ptype, t, gen);
  }

  void close(std::size_t i, WallTime t, LaneEnd kind, std::string label, std::string event) {
    Proc& p = procs[i];
    p.ended = true;
    p.end = std::max(t, p.start);
    p.end_kind = kind;
    p.end_label = std::move(label);
    p.end_event = std::move(event);
    live_.erase(p.pid);
  }

  void vanish(std::size_t i, WallTime when, const std::string& why) {
    const Proc& p = procs[i];
    close(i, p.last_seen, LaneEnd::Vanished, "gone",
          "no exit recorded; gone unseen by " + format_time_of_day(when, 6) + " (" + why + ")");
  }

  void vanish_all(WallTime when, const std::string& why) {
    std::vector<std::size_t> open_now;
    for (auto& [pid, i] : live_) open_now.push_back(i);
    for (std::size_t i : open_now) vanish(i, when, why);
  }

  void event(std::size_t n, const TimedEvent& te) {
    const EventLine& e = *te.line;
    const WallTime t = te.t;
    data_end = std::max(data_end, t);
    const std::string ev = field(e, "ev");
    const Pid writer{static_cast<pid_t>(number(e, "pid", 0))};
    const std::string ptype = field(e, "ptype");
    const int gen = static_cast<int>(number(e, "gen", 0));

    if (ev == "postmaster_start") {
      vanish_all(t, "the postmaster started again");
      postmaster_ = open(n, writer, "postmaster", t, gen);
      ports[n] = field(e, "port");
      return;
    }
    const std::size_t w = get(n, writer, ptype, t, gen);
    if (ptype == "postmaster") postmaster_ = w;
    if (ev == "fork") {
      const std::size_t c = open(n, Pid{static_cast<pid_t>(number(e, "child_pid", 0))}, field(e, "child_type"), t, gen);
      procs[c].forked = true;
    } else if (ev == "exit") {
      exit(n, e, t, gen);
    } else if (ev == "signal") {
      const std::size_t c = get(n, Pid{static_cast<pid_t>(number(e, "to_pid", 0))}, field(e, "to_type"), t, gen);
      procs[c].signals.push_back({w, t, &e});
      if (is_stop_signal(e)) procs[c].asked_to_stop = true;
    } else if (ev == "state") {
      procs[w].states.emplace_back(t, &e);
    } else if (ev == "postmaster_exit") {
      const long long code = number(e, "code", -1);
      close(w, t, code == 0 ? LaneEnd::Clean : LaneEnd::Error, "exit " + std::to_string(code), event_tooltip(e));
      vanish_all(t, "the postmaster exited");
    } else {
      if (ev == "walsender_state" && e.get("app")) procs[w].app = field(e, "app");
      procs[w].marks.emplace_back(t, &e);
    }
  }

  void exit(std::size_t n, const EventLine& e, WallTime t, int gen) {
    const Pid pid{static_cast<pid_t>(number(e, "child_pid", 0))};
    const std::string type = field(e, "child_type");
    const std::size_t c = get(n, pid, type, t, gen);
    Proc& p = procs[c];
    if (type == "walsender") p.ptype = type;
    std::string tip = event_tooltip(e);
    if (e.get("signal")) {
      close(c, t, LaneEnd::Killed, field(e, "signal"), std::move(tip));
      return;
    }
    const std::string code = "exit " + std::to_string(number(e, "code", -1));
    if (p.asked_to_stop)
      close(c, t, LaneEnd::Quit, "quit (" + code + ")", std::move(tip));
    else if (number(e, "code", -1) == 0)
      close(c, t, LaneEnd::Clean, code, std::move(tip));
    else
      close(c, t, LaneEnd::Error, code, std::move(tip));
  }
};

// Events with a shape of their own; any other is a kOther mark named by its ev.
MarkKind mark_kind(const EventLine& e) {
  static const std::map<std::string, MarkKind, std::less<>> kinds{{"checkpoint_start", MarkKind::Checkpoint},
                                                                  {"checkpoint_done", MarkKind::Checkpoint},
                                                                  {"promote", MarkKind::Promote},
                                                                  {"refused", MarkKind::Refused},
                                                                  {"redo_start", MarkKind::Redo},
                                                                  {"redo_done", MarkKind::Redo},
                                                                  {"reinit", MarkKind::Reinit},
                                                                  {"ready", MarkKind::Ready},
                                                                  {"shutdown_request", MarkKind::ShutdownRequest},
                                                                  {"walsender_state", MarkKind::Walsender},
                                                                  {"walreceiver_state", MarkKind::Walreceiver},
                                                                  {"fault_hit", MarkKind::Fault}};
  auto it = kinds.find(field(e, "ev"));
  if (it == kinds.end()) return MarkKind::Other;
  if (it->second == MarkKind::Checkpoint && field(e, "kind") == "shutdown") return MarkKind::ShutdownCheckpoint;
  return it->second;
}

// The short text next to a mark; "" for a checkpoint_start (its done says it).
std::string mark_label(const EventLine& e) {
  const std::string ev = field(e, "ev");
  switch (mark_kind(e)) {
    case MarkKind::Checkpoint:
      if (ev == "checkpoint_start") return "";
      return field(e, "kind") == "restartpoint" ? "restartpoint" : "checkpoint " + field(e, "kind");
    case MarkKind::ShutdownCheckpoint: return ev == "checkpoint_start" ? "" : "shutdown checkpoint";
    case MarkKind::Promote: return "promote tli " + field(e, "tli");
    case MarkKind::Refused: return "refused " + field(e, "sqlstate");
    case MarkKind::Redo: return (ev == "redo_start" ? "redo from " : "redo done ") + field(e, "lsn");
    case MarkKind::Reinit: return "reinit gen " + field(e, "gen");
    case MarkKind::Ready: return field(e, "read_only") == "true" ? "ready (read-only)" : "ready";
    case MarkKind::ShutdownRequest: return field(e, "mode") + " shutdown";
    case MarkKind::Walsender: return field(e, "state");
    case MarkKind::Walreceiver: return field(e, "status");
    case MarkKind::Fault:
      return "fault " + (e.get("name") ? field(e, "name") : field(e, "point")) +
             (e.get("action") ? " " + field(e, "action") : "");
    case MarkKind::Other: return ev;
  }
  return ev;
}

// The rank of a row key: kind first, then a walsender's application name.
using RowKey = std::tuple<int, std::string>;

RowKey row_key(const Lane& l) {
  return {static_cast<int>(l.kind), l.kind == LaneKind::Walsender ? l.app : l.kind == LaneKind::Other ? l.ptype : ""};
}

class Layouter {
 public:
  Layouter(TimelineLayout* out, const TimelineOptions& opts) : out_(*out), opts_(opts) {}

  void run(const std::vector<TimelineNodeInput>& inputs, const ProcBuilder& b) {
    for (std::size_t n = 0; n < inputs.size(); ++n) {
      out_.nodes.push_back({inputs[n].name, b.ports[n], out_.rows.size(), 0});
      node(n, b.procs);
      out_.nodes.back().row_count = out_.rows.size() - out_.nodes.back().first_row;
    }
    for (std::size_t i = 0; i < b.procs.size(); ++i)
      if (lane_of_proc_.count(i)) details(b.procs, i);
  }

 private:
  TimelineLayout& out_;
  const TimelineOptions& opts_;
  std::map<std::size_t, std::size_t> lane_of_proc_;
  std::map<std::size_t, std::size_t> density_row_;  // node -> row

  bool in_window(WallTime t) const { return t >= out_.start && t <= out_.end; }

  void node(std::size_t n, const std::vector<Proc>& procs) {
    std::vector<std::size_t> lanes;
    for (std::size_t i = 0; i < procs.size(); ++i) {
      const Proc& p = procs[i];
      if (p.node != n || p.start > out_.end || p.end < out_.start) continue;
      Lane l;
      l.node = n;
      l.pid = p.pid;
      l.kind = kind_of(p.ptype);
      l.ptype = p.ptype;
      l.app = p.app;
      l.gen = p.gen;
      l.clipped_start = p.start < out_.start;
      l.clipped_end = p.end > out_.end;
      l.start = std::max(p.start, out_.start);
      l.end = std::min(p.end, out_.end);
      l.forked = p.forked && !l.clipped_start;
      l.end_kind = p.end_kind;
      l.end_label = p.end_label;
      l.end_event = p.end_event;
      lane_of_proc_[i] = out_.lanes.size();
      lanes.push_back(out_.lanes.size());
      out_.lanes.push_back(std::move(l));
    }
    collapse(lanes);
    std::stable_sort(lanes.begin(), lanes.end(), [&](std::size_t a, std::size_t b) {
      const Lane& x = out_.lanes[a];
      const Lane& y = out_.lanes[b];
      return std::make_tuple(row_key(x), x.start) < std::make_tuple(row_key(y), y.start);
    });
    const std::size_t first_row = out_.rows.size();
    for (std::size_t li : lanes) {
      Lane& l = out_.lanes[li];
      if (l.collapsed) continue;
      std::size_t r = first_row;
      for (; r < out_.rows.size(); ++r) {
        const Row& row = out_.rows[r];
        if (row.kind == l.kind && row_key(out_.lanes[row.lanes.front()]) == row_key(l) &&
            out_.lanes[row.lanes.back()].end < l.start)
          break;
      }
      if (r == out_.rows.size()) {
        Row row;
        row.node = n;
        row.kind = l.kind;
        row.label = row_label(l);
        out_.rows.push_back(std::move(row));
      }
      l.row = r;
      out_.rows[r].lanes.push_back(li);
    }
    density(n, lanes);
  }

  // Many client backends on a node: the short-lived ones become one row.
  void collapse(const std::vector<std::size_t>& lanes) {
    std::size_t backends = 0;
    for (std::size_t li : lanes) backends += out_.lanes[li].kind == LaneKind::Backend;
    if (backends <= opts_.collapse_over) return;
    const auto span = out_.end - out_.start;
    const auto shortest_kept =
        microseconds(static_cast<long long>(static_cast<double>(span.count()) * opts_.collapse_fraction));
    for (std::size_t li : lanes) {
      Lane& l = out_.lanes[li];
      if (l.kind == LaneKind::Backend && l.end - l.start < shortest_kept) l.collapsed = true;
    }
  }

  void density(std::size_t n, const std::vector<std::size_t>& lanes) {
    Row row;
    row.node = n;
    row.kind = LaneKind::Backend;
    row.density = true;
    const std::size_t bins = std::max<std::size_t>(opts_.density_bins, 1);
    row.alive.assign(bins, 0);
    row.bad_ends.assign(bins, 0);
    const double span = static_cast<double>((out_.end - out_.start).count());
    auto bin = [&](WallTime t) {
      const double f = span > 0 ? static_cast<double>((t - out_.start).count()) / span : 0;
      return std::min(bins - 1, static_cast<std::size_t>(std::max(0.0, f) * static_cast<double>(bins)));
    };
    for (std::size_t li : lanes) {
      Lane& l = out_.lanes[li];
      if (!l.collapsed) continue;
      ++row.collapsed_count;
      for (std::size_t b = bin(l.start); b <= bin(l.end); ++b) ++row.alive[b];
      if (!l.clipped_end && (l.end_kind == LaneEnd::Error || l.end_kind == LaneEnd::Killed))
        ++row.bad_ends[bin(l.end)];
      l.row = out_.rows.size();
    }
    if (row.collapsed_count == 0) return;
    row.label = "client backends";
    density_row_[n] = out_.rows.size();
    out_.rows.push_back(std::move(row));
  }

  // Marks, arrows and bands of one process with a lane.
  void details(const std::vector<Proc>& procs, std::size_t pi) {
    const Proc& p = procs[pi];
    const std::size_t li = lane_of_proc_.at(pi);
    const Lane& lane = out_.lanes[li];
    const std::optional<std::size_t> mark_lane = lane.collapsed ? std::nullopt : std::optional<std::size_t>(li);
    for (auto& [t, e] : p.marks) {
      if (!in_window(t)) continue;
      Mark m;
      m.row = lane.row;
      m.lane = mark_lane;
      m.t = t;
      m.kind = mark_kind(*e);
      m.label = mark_label(*e);
      m.tooltip = event_tooltip(*e);
      out_.marks.push_back(std::move(m));
    }
    for (const SignalSeen& s : p.signals) {
      if (!in_window(s.t) || !lane_of_proc_.count(s.from_proc)) continue;
      Arrow a;
      a.from_row = out_.lanes[lane_of_proc_.at(s.from_proc)].row;
      a.to_row = lane.row;
      a.to_lane = mark_lane;
      a.t = s.t;
      a.sig = field(*s.line, "sig");
      a.tooltip = event_tooltip(*s.line);
      out_.arrows.push_back(std::move(a));
    }
    bands(p, lane);
  }

  void bands(const Proc& p, const Lane& lane) {
    if (p.states.empty()) return;
    WallTime from = p.start;
    std::string state = field(*p.states.front().second, "from");
    std::string tip = "from the postmaster's start";
    auto add = [&](WallTime to) {
      const WallTime s = std::max(from, out_.start), e = std::min(to, out_.end);
      if (e <= s || state.empty()) return;
      out_.bands.push_back({lane.row, s, e, state, state + " (" + tip + ")"});
      if (std::find(out_.states.begin(), out_.states.end(), state) == out_.states.end()) out_.states.push_back(state);
    };
    for (auto& [t, e] : p.states) {
      add(t);
      from = t;
      state = field(*e, "to");
      tip = event_tooltip(*e);
    }
    add(p.end);
  }
};

}  // namespace

const char* lane_end_name(LaneEnd e) {
  switch (e) {
    case LaneEnd::Clean: return "clean exit";
    case LaneEnd::Error: return "error exit";
    case LaneEnd::Killed: return "killed by a signal";
    case LaneEnd::Quit: return "quit by the postmaster";
    case LaneEnd::Vanished: return "gone, no exit recorded";
    case LaneEnd::Open: return "running when the events end";
  }
  return "?";
}

std::string event_tooltip(const EventLine& e) {
  std::string head = field(e, "ev");
  for (auto& [k, v] : e.fields) {
    if (k == "ts" || k == "mono_ns" || k == "pid" || k == "ptype" || k == "ev" || k == "gen") continue;
    head += " " + k + "=" + (v.find(' ') == std::string::npos ? v : "'" + v + "'");
  }
  return head + "\n" + field(e, "ts") + "  pid " + field(e, "pid") + " (" + field(e, "ptype") + ")  gen " +
         field(e, "gen") + "  line " + std::to_string(e.line_no);
}

std::optional<WallTime> first_event_time(const std::vector<TimelineNodeInput>& nodes) {
  std::optional<WallTime> first;
  for (const auto& n : nodes)
    for (const TimedEvent& te : timed_events(n))
      if (!first || te.t < *first) first = te.t;
  return first;
}

TimelineLayout layout_timeline(const std::vector<TimelineNodeInput>& nodes, const TimelineOptions& opts) {
  ProcBuilder b;
  std::optional<WallTime> first;
  std::size_t events_in_window = 0;
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    const auto events = timed_events(nodes[n]);
    for (const TimedEvent& te : events) {
      if (!first || te.t < *first) first = te.t;
      events_in_window += (!opts.from || te.t >= *opts.from) && (!opts.to || te.t <= *opts.to);
    }
    b.node(n, events);
  }
  b.finish();
  TimelineLayout out;
  out.origin = first.value_or(WallTime{});
  out.start = opts.from.value_or(first.value_or(WallTime{}));
  out.end = opts.to.value_or(std::max(b.data_end, out.start));
  if (out.end <= out.start) out.end = out.start + std::chrono::milliseconds(1);
  out.event_count = events_in_window;
  Layouter(&out, opts).run(nodes, b);
  return out;
}

}  // namespace pmemu::pmctl
