// pmctl timeline's layout model (timeline_layout.h) and its times
// (timeline_time.h): lane order, lane ends, arrows, bands, the density row
// and the zoom, from hand-written events.
#include <doctest.h>

#include "pmctl/timeline_layout.h"
#include "pmctl/timeline_svg.h"

using namespace pmemu;
using namespace pmemu::pmctl;
using std::chrono::milliseconds;

namespace {

const WallTime kT0 = *parse_ts("2026-12-04T01:00:00.000000Z");

// Builds a node's events.jsonl text: one line per call, `ms` after kT0.
class Events {
 public:
  Events& add(int ms, int pid, const std::string& ptype, const std::string& ev, const std::string& fields = "") {
    const WallTime t = kT0 + milliseconds(ms);
    text_ += "{\"ts\":\"" + format_date(t) + "T" + format_time_of_day(t, 6) +
             "Z\",\"mono_ns\":" + std::to_string(1000000LL + ms * 1000000LL) + ",\"pid\":" + std::to_string(pid) +
             ",\"ptype\":\"" + ptype + "\",\"gen\":0,\"ev\":\"" + ev + "\"" + (fields.empty() ? "" : "," + fields) +
             "}\n";
    return *this;
  }
  Events& pm(int ms, const std::string& ev, const std::string& fields = "") {
    return add(ms, 100, "postmaster", ev, fields);
  }
  Events& fork(int ms, int child, const std::string& type) {
    return pm(ms, "fork", "\"child_pid\":" + std::to_string(child) + ",\"child_type\":\"" + type + "\"");
  }
  Events& exit(int ms, int child, const std::string& type, const std::string& how) {
    return pm(
        ms, "exit",
        "\"child_pid\":" + std::to_string(child) + ",\"child_type\":\"" + type + "\"," + how + ",\"crash\":false");
  }
  Events& signal(int ms, int child, const std::string& type, const std::string& sig, const std::string& why) {
    return pm(ms, "signal",
              "\"to_pid\":" + std::to_string(child) + ",\"to_type\":\"" + type + "\",\"sig\":\"" + sig +
                  "\",\"why\":\"" + why + "\"");
  }
  Events& state(int ms, const std::string& from, const std::string& to) {
    return pm(ms, "state", "\"from\":\"" + from + "\",\"to\":\"" + to + "\"");
  }
  [[nodiscard]] TimelineNodeInput node(const std::string& name) const { return {name, parse_event_text(text_, 1)}; }

 private:
  std::string text_;
};

// A primary: start, checkpointer, startup, a walsender for "s1", a fast stop.
Events primary() {
  Events e;
  e.pm(0, "postmaster_start", "\"port\":5432,\"data_dir\":\"/d/primary\"")
      .state(0, "PM_INIT", "PM_STARTUP")
      .fork(1, 101, "checkpointer")
      .fork(1, 102, "startup")
      .exit(10, 102, "startup", "\"code\":0")
      .state(10, "PM_STARTUP", "PM_RUN")
      .fork(20, 103, "client backend")
      .add(21, 103, "walsender", "walsender_state",
           "\"state\":\"streaming\",\"app\":\"s1\",\"sent\":\"0/0\",\"flush\":\"0/0\"")
      .fork(30, 104, "client backend")
      .exit(40, 104, "client backend", "\"code\":0")
      .pm(100, "shutdown_request", "\"mode\":\"fast\"")
      .state(100, "PM_RUN", "PM_SHUTDOWN")
      .signal(100, 101, "checkpointer", "SIGUSR2", "shutdown checkpoint")
      .add(101, 103, "walsender", "walsender_state",
           "\"state\":\"stopping\",\"app\":\"s1\",\"sent\":\"0/0\",\"flush\":\"0/0\"")
      .add(102, 101, "checkpointer", "checkpoint_start", "\"kind\":\"shutdown\",\"lsn\":\"0/100\"")
      .add(110, 101, "checkpointer", "checkpoint_done", "\"kind\":\"shutdown\",\"lsn\":\"0/100\",\"redo\":\"0/100\"")
      .exit(111, 101, "checkpointer", "\"code\":0")
      .signal(111, 103, "walsender", "SIGUSR2", "last cycle")
      .exit(112, 103, "walsender", "\"code\":0")
      .state(112, "PM_SHUTDOWN", "PM_NO_CHILDREN")
      .pm(113, "postmaster_exit", "\"code\":0");
  return e;
}

const Lane& lane_of(const TimelineLayout& l, int pid) {
  for (const Lane& lane : l.lanes)
    if (lane.pid == Pid{pid}) return lane;
  FAIL("no lane for pid " << pid);
  return l.lanes.front();
}

std::vector<std::string> row_labels(const TimelineLayout& l) {
  std::vector<std::string> out;
  for (const Row& r : l.rows) out.push_back(r.label);
  return out;
}

}  // namespace

TEST_CASE("timeline times: ts, a time of day, seconds after the first event") {
  REQUIRE(parse_ts("2026-12-04T01:29:14.256599Z"));
  CHECK(*parse_ts("2026-12-04T01:29:14.25Z") == *parse_ts("2026-12-04T01:29:14.250000Z"));
  CHECK_FALSE(parse_ts("2026-13-04T01:29:14Z"));
  CHECK_FALSE(parse_ts("01:29:14"));
  const WallTime first = *parse_ts("2026-12-04T01:29:13.706826Z");
  CHECK(*parse_bound("01:29:14.25", first) == *parse_ts("2026-12-04T01:29:14.25Z"));
  CHECK(*parse_bound("2.5", first) == first + milliseconds(2500));
  CHECK(*parse_bound("+0.001", first) == first + milliseconds(1));
  CHECK(*parse_bound("2026-12-05T00:00:00Z", first) == *parse_ts("2026-12-05T00:00:00.000000Z"));
  CHECK_FALSE(parse_bound("soon", first));
  CHECK_FALSE(parse_bound("25:00:00", first));
  CHECK(format_time_of_day(first, 3) == "01:29:13.706");
  CHECK(format_time_of_day(first, 0) == "01:29:13");
}

TEST_CASE("timeline rows: the postmaster on top, then startup, checkpointer, walsenders, backends; nodes in order") {
  Events standby;
  standby.pm(5, "postmaster_start", "\"port\":5433,\"data_dir\":\"/d/s1\"")
      .fork(6, 201, "walreceiver")
      .fork(6, 202, "startup")
      .fork(6, 203, "checkpointer");
  const TimelineLayout l = layout_timeline({primary().node("primary"), standby.node("s1")}, {});
  REQUIRE(l.nodes.size() == 2);
  CHECK(l.nodes[0].name == "primary");
  CHECK(l.nodes[0].port == "5432");
  CHECK(l.nodes[1].first_row == l.nodes[0].row_count);
  CHECK(row_labels(l) == std::vector<std::string>{"postmaster", "startup", "checkpointer", "walsender s1",
                                                  "client backend", "postmaster", "startup", "checkpointer",
                                                  "walreceiver"});
  // The connection forked as a client backend became a walsender.
  CHECK(lane_of(l, 103).kind == LaneKind::Walsender);
  CHECK(lane_of(l, 103).app == "s1");
  CHECK(lane_of(l, 103).forked);
}

TEST_CASE("timeline lane ends: clean, quit after a postmaster signal, error, killed, gone unseen, still running") {
  Events e = primary();
  e.pm(200, "postmaster_start", "\"port\":5432,\"data_dir\":\"/d/primary\"")
      .fork(201, 301, "client backend")
      .exit(202, 301, "client backend", "\"code\":1")
      .fork(203, 302, "client backend")
      .exit(204, 302, "client backend", "\"signal\":\"SIGKILL\"")
      .fork(205, 303, "checkpointer")
      .add(206, 303, "checkpointer", "checkpoint_start", "\"kind\":\"immediate\",\"lsn\":\"0/200\"")
      // The postmaster dies unseen (kill -9) and is started again: 303 had no exit.
      .add(300, 400, "postmaster", "postmaster_start", "\"port\":5432,\"data_dir\":\"/d/primary\"")
      .add(301, 400, "postmaster", "fork", "\"child_pid\":401,\"child_type\":\"checkpointer\"")
      .add(310, 400, "postmaster", "ready", "\"read_only\":false");
  const TimelineLayout l = layout_timeline({e.node("primary")}, {});
  CHECK(lane_of(l, 104).end_kind == LaneEnd::Clean);
  CHECK(lane_of(l, 102).end_kind == LaneEnd::Clean);
  CHECK(lane_of(l, 101).end_kind == LaneEnd::Quit);
  CHECK(lane_of(l, 101).end_label == "quit (exit 0)");
  CHECK(lane_of(l, 103).end_kind == LaneEnd::Quit);
  CHECK(lane_of(l, 103).end == kT0 + milliseconds(112));
  CHECK(lane_of(l, 301).end_kind == LaneEnd::Error);
  CHECK(lane_of(l, 301).end_label == "exit 1");
  CHECK(lane_of(l, 302).end_kind == LaneEnd::Killed);
  CHECK(lane_of(l, 302).end_label == "SIGKILL");
  CHECK(lane_of(l, 303).end_kind == LaneEnd::Vanished);
  CHECK(lane_of(l, 303).end == kT0 + milliseconds(206));  // its last event
  CHECK(lane_of(l, 401).end_kind == LaneEnd::Open);
  CHECK(lane_of(l, 401).end == kT0 + milliseconds(310));  // the end of the events
  // Pid 100 is the postmaster of the first two starts: two lanes in one row.
  std::size_t postmaster_lanes = 0;
  for (const Lane& lane : l.lanes) postmaster_lanes += lane.kind == LaneKind::Postmaster;
  CHECK(postmaster_lanes == 3);
  CHECK(l.rows[0].label == "postmaster");
  CHECK(l.rows[0].lanes.size() == 3);
  // A lane's end tooltip holds its exit event.
  CHECK(lane_of(l, 302).end_event.find("exit child_pid=302") == 0);
  CHECK(lane_of(l, 302).end_event.find("signal=SIGKILL") != std::string::npos);
}

TEST_CASE("timeline: a process seen without a fork starts at its first event") {
  Events e;
  e.add(50, 500, "checkpointer", "checkpoint_done", "\"kind\":\"time\",\"lsn\":\"0/1\",\"redo\":\"0/1\"")
      .exit(60, 500, "checkpointer", "\"code\":0");
  const TimelineLayout l = layout_timeline({e.node("n")}, {});
  const Lane& lane = lane_of(l, 500);
  CHECK_FALSE(lane.forked);
  CHECK(lane.start == kT0 + milliseconds(50));
  CHECK(lane.end_kind == LaneEnd::Clean);
}

TEST_CASE("timeline arrows go from the postmaster's row to the child's, at the signal's time") {
  const TimelineLayout l = layout_timeline({primary().node("primary")}, {});
  REQUIRE(l.arrows.size() == 2);
  const Arrow& a = l.arrows[0].sig == "SIGUSR2" && l.arrows[0].t == kT0 + milliseconds(100) ? l.arrows[0] : l.arrows[1];
  CHECK(a.t == kT0 + milliseconds(100));
  CHECK(l.rows[a.from_row].label == "postmaster");
  CHECK(l.rows[a.to_row].label == "checkpointer");
  REQUIRE(a.to_lane);
  CHECK(l.lanes[*a.to_lane].pid == Pid{101});
  CHECK(a.tooltip.find("why='shutdown checkpoint'") != std::string::npos);
}

TEST_CASE("timeline marks: the shutdown checkpoint stands out, walsender states, and any other event generically") {
  Events e = primary();
  e.add(106, 103, "walsender", "fault_hit", "\"name\":\"walsender.before_final_send\",\"action\":\"wait\",\"hit\":1");
  const TimelineLayout l = layout_timeline({e.node("primary")}, {});
  std::size_t shutdown_ckpt = 0;
  bool fault = false;
  for (const Mark& m : l.marks) {
    if (m.kind == MarkKind::ShutdownCheckpoint) {
      ++shutdown_ckpt;
      CHECK(l.rows[m.row].label == "checkpointer");
      if (!m.label.empty()) CHECK(m.t == kT0 + milliseconds(110));
    }
    if (m.kind == MarkKind::Fault) {
      fault = true;
      CHECK(m.label == "fault walsender.before_final_send wait");
      CHECK(l.rows[m.row].label == "walsender s1");
      CHECK(m.tooltip.find("hit=1") != std::string::npos);
    }
  }
  CHECK(shutdown_ckpt == 2);  // start and done
  CHECK(fault);
  // The walsender's lane ends after the shutdown checkpoint.
  CHECK(lane_of(l, 103).end > kT0 + milliseconds(110));
}

TEST_CASE("timeline bands: the postmaster's states from its start to its exit") {
  const TimelineLayout l = layout_timeline({primary().node("primary")}, {});
  std::vector<std::string> states;
  for (const Band& b : l.bands) {
    states.push_back(b.state);
    CHECK(b.row == 0);
  }
  // PM_INIT lasts 0 ms and draws nothing.
  CHECK(states == std::vector<std::string>{"PM_STARTUP", "PM_RUN", "PM_SHUTDOWN", "PM_NO_CHILDREN"});
  CHECK(l.bands[1].start == kT0 + milliseconds(10));
  CHECK(l.bands[1].end == kT0 + milliseconds(100));
  CHECK(l.bands.back().end == kT0 + milliseconds(113));
}

TEST_CASE("timeline density: many short-lived backends on a node collapse into one row, a few do not") {
  for (int backends : {39, 60}) {  // with the long session: 40 (not more than 40) and 61
    Events e;
    e.pm(0, "postmaster_start", "\"port\":1,\"data_dir\":\"/d\"").fork(0, 101, "checkpointer");
    for (int i = 0; i < backends; ++i) {
      const int pid = 1000 + i;
      e.fork(10 + i * 10, pid, "client backend");
      e.exit(12 + i * 10, pid, "client backend", i == 7 ? "\"signal\":\"SIGKILL\"" : "\"code\":0");
    }
    e.fork(15, 900, "client backend");  // a long session stays a lane
    e.add(1000, 101, "checkpointer", "checkpoint_done", "\"kind\":\"time\",\"lsn\":\"0/1\",\"redo\":\"0/1\"");
    TimelineOptions opts;
    opts.density_bins = 10;
    const TimelineLayout l = layout_timeline({e.node("n")}, opts);
    const Row& last = l.rows.back();
    if (backends + 1 <= 40) {
      CHECK_FALSE(last.density);
      continue;
    }
    REQUIRE(last.density);
    CHECK(last.collapsed_count == static_cast<std::size_t>(backends));
    CHECK(last.label == "client backends");
    CHECK(lane_of(l, 900).row != l.rows.size() - 1);
    CHECK_FALSE(lane_of(l, 900).collapsed);
    CHECK(lane_of(l, 1000).collapsed);
    CHECK(lane_of(l, 1000).row == l.rows.size() - 1);
    int bad = 0, alive = 0;
    for (int b : last.bad_ends) bad += b;
    for (int a : last.alive) alive += a;
    CHECK(bad == 1);
    CHECK(alive >= backends);
    CHECK(last.alive[0] > 0);
  }
}

TEST_CASE("timeline zoom: lanes clipped at the window, events outside it dropped") {
  TimelineOptions opts;
  opts.from = kT0 + milliseconds(50);
  opts.to = kT0 + milliseconds(105);
  const TimelineLayout l = layout_timeline({primary().node("primary")}, opts);
  CHECK(l.origin == kT0);  // relative bounds and the axis count from the first event, not the window
  CHECK(l.start == *opts.from);
  CHECK(l.end == *opts.to);
  for (const Lane& lane : l.lanes) CHECK(lane.pid != Pid{104});  // lived 30..40 ms
  for (const Lane& lane : l.lanes) CHECK(lane.pid != Pid{102});
  const Lane& ckpt = lane_of(l, 101);
  CHECK(ckpt.clipped_start);
  CHECK_FALSE(ckpt.forked);
  CHECK(ckpt.clipped_end);
  CHECK(ckpt.start == *opts.from);
  CHECK(ckpt.end == *opts.to);
  for (const Mark& m : l.marks) CHECK(m.t <= *opts.to);
  CHECK(l.marks.size() == 3);   // shutdown_request, the walsender's stopping, checkpoint_start
  CHECK(l.arrows.size() == 1);  // the SIGUSR2 at 100 ms; the last cycle's at 111 ms is after the window
  CHECK(l.event_count == 5);
}

TEST_CASE("timeline SVG: every lane end and mark has a tooltip, text is escaped") {
  Events e = primary();
  e.add(105, 103, "walsender", "refused", "\"sqlstate\":\"53300\",\"reason\":\"too <many> & \\\"more\\\"\"");
  const TimelineLayout l = layout_timeline({e.node("a & b")}, {});
  const std::string svg = timeline_svg(l, {});
  CHECK(svg.rfind("<svg ", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  CHECK(svg.find("a &amp; b") != std::string::npos);
  CHECK(svg.find("too &lt;many&gt; &amp; &quot;more&quot;") != std::string::npos);
  CHECK(svg.find("<script") == std::string::npos);
  std::size_t titles = 0;
  for (std::size_t at = svg.find("<title>"); at != std::string::npos; at = svg.find("<title>", at + 1)) ++titles;
  CHECK(titles >= l.marks.size() + l.lanes.size() * 2 + l.arrows.size());
  CHECK(svg.find("class=\"shutdown-checkpoint-guide\"") != std::string::npos);
}
