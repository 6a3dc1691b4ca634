#include "pmctl/timeline_svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace pmemu::pmctl {
namespace {

constexpr int kLeft = 210;    // row labels
constexpr int kRight = 110;   // end labels past the window's end
constexpr int kAxisTop = 34;  // the tick labels
constexpr int kRowsTop = 78;  // first node header
constexpr int kNodeHeader = 22;
constexpr int kRowHeight = 24;
constexpr int kPostmasterRow = 32;  // room for the state names inside the bands
constexpr int kDensityRow = 34;
constexpr int kNodeGap = 10;
constexpr double kCharWidth = 5.6;  // 10px sans-serif, on average

std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string title(std::string_view text) { return "<title>" + esc(text) + "</title>"; }

const char* kind_colour(LaneKind k) {
  switch (k) {
    case LaneKind::Postmaster: return "#222222";
    case LaneKind::Startup: return "#8c564b";
    case LaneKind::Checkpointer: return "#137a7a";
    case LaneKind::Walreceiver: return "#1f77b4";
    case LaneKind::Walsender: return "#7b4fb0";
    case LaneKind::Backend: return "#6f6f6f";
    case LaneKind::Other: return "#555555";
  }
  return "#555555";
}

std::string state_colour(const std::string& state, std::size_t index) {
  static const std::map<std::string, std::string> known{
      {"PM_INIT", "#dddddd"},          {"PM_STARTUP", "#ffe8a3"},    {"PM_RECOVERY", "#ffd27f"},
      {"PM_HOT_STANDBY", "#b9e3ff"},   {"PM_RUN", "#c4ebc4"},        {"PM_STOP_BACKENDS", "#ffd0b0"},
      {"PM_WAIT_BACKENDS", "#ffb38a"}, {"PM_SHUTDOWN", "#ff9e9e"},   {"PM_SHUTDOWN_2", "#f5a3c7"},
      {"PM_WAIT_DEAD_END", "#d9b8ff"}, {"PM_NO_CHILDREN", "#c8c8c8"}};
  static const char* other[] = {"#e5f5a0", "#a0f0e0", "#f0c0f0", "#c0d0ff"};
  auto it = known.find(state);
  return it != known.end() ? it->second : other[index % 4];
}

const char* signal_colour(const std::string& sig) {
  if (sig == "SIGTERM") return "#d62728";
  if (sig == "SIGQUIT") return "#8b0000";
  if (sig == "SIGKILL") return "#000000";
  if (sig == "SIGUSR2") return "#9b3fd0";
  if (sig == "SIGUSR1") return "#1f77b4";
  if (sig == "SIGHUP") return "#2ca02c";
  if (sig == "SIGINT") return "#ff7f0e";
  return "#555555";
}

// A "nice" tick step (1, 2 or 5 times a power of ten microseconds) giving
// about `target` ticks over `span_us`.
long long tick_step(long long span_us, int target) {
  const double raw = static_cast<double>(span_us) / std::max(target, 1);
  double p = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (p * m >= raw) return std::max(1LL, static_cast<long long>(p * m));
  return static_cast<long long>(p * 10);
}

int digits_for(long long step_us) {
  int d = 0;
  for (long long unit = 1000000; unit > step_us && d < 6; unit /= 10) ++d;
  return d;
}

// Text placed on one line of a row without covering text placed before it.
class LabelLine {
 public:
  bool fits(double x, std::string_view text) {
    const double end = x + static_cast<double>(text.size()) * kCharWidth + 4;
    for (auto [b, e] : taken_)
      if (x < e && b < end) return false;
    taken_.emplace_back(x, end);
    return true;
  }

 private:
  std::vector<std::pair<double, double>> taken_;
};

class Writer {
 public:
  Writer(const TimelineLayout& l, const SvgOptions& o) : l_(l), width_(o.width) {
    plot_w_ = std::max(200, width_ - kLeft - kRight);
    span_us_ = std::max<long long>(1, (l_.end - l_.start).count());
    double y = kRowsTop;
    row_top_.resize(l_.rows.size());
    for (const TimelineNode& n : l_.nodes) {
      node_top_.push_back(y);
      y += kNodeHeader;
      for (std::size_t r = n.first_row; r < n.first_row + n.row_count; ++r) {
        row_top_[r] = y;
        y += height(l_.rows[r]);
      }
      y += kNodeGap;
    }
    legend_top_ = y + 8;
  }

  std::string run() {
    const int height_px = static_cast<int>(legend_top_) + 120;
    out_ += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width_) + "\" height=\"" +
            std::to_string(height_px) + "\" viewBox=\"0 0 " + std::to_string(width_) + " " + std::to_string(height_px) +
            "\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"10\">\n";
    out_ +=
        "<style>text{fill:#222} .small{font-size:9px;fill:#444} .node{font-size:13px;font-weight:bold}"
        " .row{font-size:11px} .bandlabel{font-size:9px;fill:#333} .ckpt{font-weight:bold;fill:#c00000}</style>\n";
    out_ += "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
    header();
    axis();
    for (std::size_t n = 0; n < l_.nodes.size(); ++n) node(n);
    legend();
    out_ += "</svg>\n";
    return out_;
  }

 private:
  const TimelineLayout& l_;
  int width_;
  int plot_w_ = 0;
  long long span_us_ = 1;
  std::vector<double> node_top_;
  std::vector<double> row_top_;
  double legend_top_ = 0;
  std::string out_;
  std::vector<LabelLine> above_;   // per row: mark labels and pids over the line
  std::vector<LabelLine> beside_;  // per row: end labels on the line

  static double height(const Row& r) {
    if (r.density) return kDensityRow;
    return r.kind == LaneKind::Postmaster ? kPostmasterRow : kRowHeight;
  }
  double x(WallTime t) const {
    return kLeft + static_cast<double>((t - l_.start).count()) / static_cast<double>(span_us_) * plot_w_;
  }
  double mid(std::size_t row) const { return row_top_[row] + height(l_.rows[row]) / 2 + 2; }

  void header() {
    const double secs = static_cast<double>(span_us_) / 1e6;
    char span[32];
    std::snprintf(span, sizeof span, "%.3f s", secs);
    out_ += "<text x=\"10\" y=\"16\" class=\"node\">pmemu timeline</text>";
    out_ += "<text x=\"150\" y=\"16\">" + std::to_string(l_.nodes.size()) + " node(s), " +
            std::to_string(l_.event_count) + " events, " + format_date(l_.start) + " " +
            format_time_of_day(l_.start, 6) + " to " + format_time_of_day(l_.end, 6) + " UTC (" + span +
            "). Hover a mark, a lane or its end for its event.</text>\n";
  }

  void axis() {
    const long long step = tick_step(span_us_, plot_w_ / 120);
    const int digits = digits_for(step);
    const long long start_us = l_.start.time_since_epoch().count();
    const double bottom = legend_top_ - 8;
    out_ += "<g>";
    for (long long t = (start_us + step - 1) / step * step; t <= start_us + span_us_; t += step) {
      const WallTime wt{std::chrono::microseconds(t)};
      const double px = x(wt);
      char rel[32];
      std::snprintf(rel, sizeof rel, "+%.*f s", std::max(0, digits),
                    static_cast<double>(t - l_.origin.time_since_epoch().count()) / 1e6);
      out_ += "<line x1=\"" + num(px) + "\" y1=\"" + std::to_string(kAxisTop + 20) + "\" x2=\"" + num(px) + "\" y2=\"" +
              num(bottom) + "\" stroke=\"#e4e4e4\"/>";
      out_ += "<text x=\"" + num(px) + "\" y=\"" + std::to_string(kAxisTop) + "\" text-anchor=\"middle\">" +
              format_time_of_day(wt, digits) + "</text>";
      out_ += "<text x=\"" + num(px) + "\" y=\"" + std::to_string(kAxisTop + 12) +
              "\" text-anchor=\"middle\" class=\"small\">" + rel + "</text>\n";
    }
    out_ += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(kAxisTop + 18) + "\" x2=\"" +
            std::to_string(kLeft + plot_w_) + "\" y2=\"" + std::to_string(kAxisTop + 18) + "\" stroke=\"#888\"/>";
    out_ += "<text x=\"10\" y=\"" + std::to_string(kAxisTop) + "\" class=\"small\">UTC " + format_date(l_.start) +
            "</text><text x=\"10\" y=\"" + std::to_string(kAxisTop + 12) +
            "\" class=\"small\">seconds after the first event</text></g>\n";
  }

  void node(std::size_t n) {
    const TimelineNode& node = l_.nodes[n];
    const double top = node_top_[n];
    const double bottom = node.row_count ? row_top_[node.first_row + node.row_count - 1] +
                                               height(l_.rows[node.first_row + node.row_count - 1])
                                         : top + kNodeHeader;
    out_ += "<g class=\"node-group\" data-node=\"" + esc(node.name) + "\">\n";
    out_ += "<rect x=\"2\" y=\"" + num(top) + "\" width=\"" + std::to_string(width_ - 4) + "\" height=\"" +
            num(bottom - top + 2) + "\" fill=\"none\" stroke=\"#bbbbbb\" rx=\"4\"/>";
    out_ += "<text x=\"8\" y=\"" + num(top + 15) + "\" class=\"node\">" + esc(node.name) +
            (node.port.empty() ? "" : "  (port " + esc(node.port) + ")") + "</text>\n";
    above_.assign(l_.rows.size(), LabelLine{});
    beside_.assign(l_.rows.size(), LabelLine{});
    for (std::size_t r = node.first_row; r < node.first_row + node.row_count; ++r) row_background(r);
    for (const Band& b : l_.bands)
      if (l_.rows[b.row].node == n) band(b);
    for (std::size_t r = node.first_row; r < node.first_row + node.row_count; ++r) row(r);
    for (const Mark& m : l_.marks)
      if (l_.rows[m.row].node == n && m.kind == MarkKind::ShutdownCheckpoint && !m.label.empty())
        guide(m, top + kNodeHeader, bottom);
    for (const Arrow& a : l_.arrows)
      if (l_.rows[a.to_row].node == n) arrow(a);
    std::vector<const Mark*> marks;
    for (const Mark& m : l_.marks)
      if (l_.rows[m.row].node == n) marks.push_back(&m);
    std::stable_sort(marks.begin(), marks.end(), [](const Mark* a, const Mark* b) { return a->t < b->t; });
    for (const Mark* m : marks) mark(*m);
    // Signal names last: where they would cover a mark's label they give way.
    for (const Arrow& a : l_.arrows)
      if (l_.rows[a.to_row].node == n) arrow_label(a);
    out_ += "</g>\n";
  }

  void row_background(std::size_t r) {
    const Row& row = l_.rows[r];
    std::string label = row.label;
    if (row.density)
      label += " (" + std::to_string(row.collapsed_count) + ", short-lived)";
    else if (row.lanes.size() == 1)
      label += " " + std::to_string(l_.lanes[row.lanes[0]].pid.get());
    else
      label += " \u00d7" + std::to_string(row.lanes.size());
    if (r % 2 == 1)
      out_ += "<rect x=\"" + std::to_string(kLeft) + "\" y=\"" + num(row_top_[r]) + "\" width=\"" +
              std::to_string(plot_w_) + "\" height=\"" + num(height(row)) + "\" fill=\"#f6f6f6\"/>";
    out_ += "<text x=\"14\" y=\"" + num(mid(r) + 4) + "\" class=\"row\" fill=\"" + kind_colour(row.kind) + "\">" +
            esc(label) + "</text>\n";
  }

  void band(const Band& b) {
    const double x0 = x(b.start), x1 = x(b.end);
    const auto index =
        static_cast<std::size_t>(std::find(l_.states.begin(), l_.states.end(), b.state) - l_.states.begin());
    out_ += "<rect class=\"band\" x=\"" + num(x0) + "\" y=\"" + num(row_top_[b.row] + 1) + "\" width=\"" +
            num(std::max(0.5, x1 - x0)) + "\" height=\"" + num(height(l_.rows[b.row]) - 2) + "\" fill=\"" +
            state_colour(b.state, index) + "\">" + title(b.tooltip) + "</rect>";
    std::string name = b.state.rfind("PM_", 0) == 0 ? b.state.substr(3) : b.state;
    if (x1 - x0 > static_cast<double>(name.size()) * 5.2 + 4)
      out_ += "<text x=\"" + num(x0 + 2) + "\" y=\"" + num(row_top_[b.row] + height(l_.rows[b.row]) - 3) +
              "\" class=\"bandlabel\">" + esc(name) + "</text>";
    out_ += "\n";
  }

  void row(std::size_t r) {
    const Row& row = l_.rows[r];
    if (row.density) {
      density(r);
      return;
    }
    for (std::size_t li : row.lanes) lane(li);
  }

  void lane(std::size_t li) {
    const Lane& l = l_.lanes[li];
    const double y = mid(l.row), x0 = x(l.start), x1 = x(l.end);
    const char* colour = kind_colour(l.kind);
    const std::string pid = std::to_string(l.pid.get());
    const std::string what = l.ptype + " " + pid + (l.app.empty() ? "" : " (" + l.app + ")") + ", gen " +
                             std::to_string(l.gen) + "\n" + (l.forked ? "forked " : "first seen ") +
                             format_time_of_day(l.start, 6) + (l.clipped_start ? " (before the window)" : "") + ", " +
                             lane_end_name(l.end_kind) + " " + format_time_of_day(l.end, 6);
    out_ += "<g class=\"lane\" data-pid=\"" + pid + "\" data-kind=\"" + esc(l.ptype) + "\" data-start=\"" + num(x0) +
            "\" data-end=\"" + num(x1) + "\" data-end-kind=\"" + lane_end_name(l.end_kind) + "\">";
    out_ += "<line x1=\"" + num(x0) + "\" y1=\"" + num(y) + "\" x2=\"" + num(std::max(x1, x0 + 0.5)) + "\" y2=\"" +
            num(y) + "\" stroke=\"" + colour + "\" stroke-width=\"" + (l.kind == LaneKind::Postmaster ? "3" : "2") +
            "\">" + title(what) + "</line>";
    if (l.forked)
      out_ += "<circle cx=\"" + num(x0) + "\" cy=\"" + num(y) + "\" r=\"2.5\" fill=\"#fff\" stroke=\"" + colour +
              "\">" + title(what) + "</circle>";
    else if (l.clipped_start)
      out_ += "<path d=\"M" + num(x0 + 5) + " " + num(y - 4) + " L" + num(x0 + 1) + " " + num(y) + " L" + num(x0 + 5) +
              " " + num(y + 4) + "\" fill=\"none\" stroke=\"" + colour + "\"/>";
    if (above_[l.row].fits(x0 + 2, pid))
      out_ += "<text x=\"" + num(x0 + 2) + "\" y=\"" + num(y - 5) + "\" class=\"small\">" + pid + "</text>";
    end_glyph(l, x1, y);
    out_ += "</g>\n";
  }

  void end_glyph(const Lane& l, double x1, double y) {
    std::string tip = std::string(lane_end_name(l.end_kind)) + ": " + l.end_label + "\n" + l.end_event;
    if (l.clipped_end) {
      out_ += "<path d=\"M" + num(x1 - 5) + " " + num(y - 4) + " L" + num(x1 - 1) + " " + num(y) + " L" + num(x1 - 5) +
              " " + num(y + 4) + "\" fill=\"none\" stroke=\"#777\">" + title("continues after the window\n" + tip) +
              "</path>";
      return;
    }
    std::string shape;
    const std::string t = title(tip);
    switch (l.end_kind) {
      case LaneEnd::Clean:
        shape = "<circle class=\"end\" cx=\"" + num(x1) + "\" cy=\"" + num(y) + "\" r=\"3.5\" fill=\"#2ca02c\">" + t +
                "</circle>";
        break;
      case LaneEnd::Quit:
        shape = "<rect class=\"end\" x=\"" + num(x1 - 1.5) + "\" y=\"" + num(y - 6) +
                "\" width=\"3\" height=\"12\" fill=\"#1f5fb4\">" + t + "</rect>";
        break;
      case LaneEnd::Error:
        shape = "<path class=\"end\" d=\"M" + num(x1 - 4) + " " + num(y - 4) + " L" + num(x1 + 4) + " " + num(y + 4) +
                " M" + num(x1 - 4) + " " + num(y + 4) + " L" + num(x1 + 4) + " " + num(y - 4) +
                "\" stroke=\"#e07000\" stroke-width=\"2.5\">" + t + "</path>";
        break;
      case LaneEnd::Killed:
        shape = "<rect class=\"end\" x=\"" + num(x1 - 4) + "\" y=\"" + num(y - 4) +
                "\" width=\"8\" height=\"8\" fill=\"#c00000\">" + t + "</rect>";
        break;
      case LaneEnd::Vanished:
        shape = "<text class=\"end\" x=\"" + num(x1 - 3) + "\" y=\"" + num(y + 4) +
                "\" font-weight=\"bold\" fill=\"#888\">?" + t + "</text>";
        break;
      case LaneEnd::Open:
        shape = "<path class=\"end\" d=\"M" + num(x1 - 6) + " " + num(y - 4) + " L" + num(x1) + " " + num(y) + " L" +
                num(x1 - 6) + " " + num(y + 4) + "Z\" fill=\"#777\">" + t + "</path>";
        break;
    }
    out_ += shape;
    if (l.end_kind != LaneEnd::Clean && l.end_kind != LaneEnd::Open && beside_[l.row].fits(x1 + 6, l.end_label))
      out_ +=
          "<text x=\"" + num(x1 + 6) + "\" y=\"" + num(y + 3.5) + "\" class=\"small\">" + esc(l.end_label) + "</text>";
  }

  void density(std::size_t r) {
    const Row& row = l_.rows[r];
    const int max_alive = std::max(1, *std::max_element(row.alive.begin(), row.alive.end()));
    const double bin_w = static_cast<double>(plot_w_) / static_cast<double>(row.alive.size());
    const double base = row_top_[r] + height(row) - 3, full = height(row) - 8;
    out_ += "<g class=\"density\">";
    for (std::size_t b = 0; b < row.alive.size(); ++b) {
      if (row.alive[b] == 0 && row.bad_ends[b] == 0) continue;
      const double bx = kLeft + bin_w * static_cast<double>(b);
      const double h = full * row.alive[b] / max_alive;
      const WallTime t0 = l_.start + std::chrono::microseconds(span_us_ * static_cast<long long>(b) /
                                                               static_cast<long long>(row.alive.size()));
      const std::string tip = format_time_of_day(t0, 6) + ": " + std::to_string(row.alive[b]) +
                              " client backends alive, " + std::to_string(row.bad_ends[b]) +
                              " ended by an error or a signal";
      out_ += "<rect x=\"" + num(bx) + "\" y=\"" + num(base - h) + "\" width=\"" + num(std::max(0.8, bin_w - 0.3)) +
              "\" height=\"" + num(std::max(h, 0.8)) + "\" fill=\"" + (row.bad_ends[b] ? "#d08080" : "#a0a0a0") +
              "\">" + title(tip) + "</rect>";
    }
    out_ += "</g>\n";
  }

  void guide(const Mark& m, double top, double bottom) {
    const double px = x(m.t);
    out_ += "<line class=\"shutdown-checkpoint-guide\" x1=\"" + num(px) + "\" y1=\"" + num(top) + "\" x2=\"" + num(px) +
            "\" y2=\"" + num(bottom) + "\" stroke=\"#c00000\" stroke-dasharray=\"4 3\" stroke-width=\"1\">" +
            title("shutdown checkpoint done\n" + m.tooltip) + "</line>\n";
  }

  void arrow(const Arrow& a) {
    const double px = x(a.t);
    const double y0 = mid(a.from_row), y1 = mid(a.to_row);
    const double dir = y1 >= y0 ? 1 : -1;
    const char* colour = signal_colour(a.sig);
    out_ += "<g class=\"signal\"><line x1=\"" + num(px) + "\" y1=\"" + num(y0) + "\" x2=\"" + num(px) + "\" y2=\"" +
            num(y1 - dir * 6) + "\" stroke=\"" + colour + "\" stroke-width=\"1.3\">" + title(a.tooltip) + "</line>";
    out_ += "<path d=\"M" + num(px - 3.5) + " " + num(y1 - dir * 8) + " L" + num(px) + " " + num(y1 - dir * 2) + " L" +
            num(px + 3.5) + " " + num(y1 - dir * 8) + "Z\" fill=\"" + colour + "\">" + title(a.tooltip) +
            "</path></g>\n";
  }

  // "USR2" beside the arrowhead, over the child's line.
  void arrow_label(const Arrow& a) {
    const std::string name = a.sig.rfind("SIG", 0) == 0 ? a.sig.substr(3) : a.sig;
    const double px = x(a.t) + 3;
    if (above_[a.to_row].fits(px, name))
      out_ += "<text x=\"" + num(px) + "\" y=\"" + num(mid(a.to_row) - 6) + "\" class=\"small\" style=\"fill:" +
              signal_colour(a.sig) + "\">" + esc(name) + "</text>\n";
  }

  void mark(const Mark& m) {
    const double px = x(m.t), y = mid(m.row);
    out_ += "<g class=\"mark\" data-ev=\"" + esc(m.tooltip.substr(0, m.tooltip.find(' '))) + "\" data-x=\"" + num(px) +
            "\">" + mark_shape(m.kind, m.label.empty(), px, y, title(m.tooltip));
    // Near the right edge a label ends at its mark instead of starting there.
    const double w = static_cast<double>(m.label.size()) * kCharWidth;
    const double lx = px - 2 + w > width_ - 8 ? px + 2 - w : px - 2;
    if (!m.label.empty() && above_[m.row].fits(lx, m.label))
      out_ += "<text x=\"" + num(lx) + "\" y=\"" + num(y - 6) + "\" class=\"small" +
              (m.kind == MarkKind::ShutdownCheckpoint ? " ckpt" : "") + "\">" + esc(m.label) + "</text>";
    out_ += "</g>\n";
  }

  static std::string diamond(double px, double y, double r, const std::string& fill, const std::string& stroke,
                             const std::string& t) {
    return "<path d=\"M" + num(px) + " " + num(y - r) + " L" + num(px + r) + " " + num(y) + " L" + num(px) + " " +
           num(y + r) + " L" + num(px - r) + " " + num(y) + "Z\" fill=\"" + fill + "\" stroke=\"" + stroke + "\">" + t +
           "</path>";
  }

  static std::string circle(double px, double y, double r, const std::string& fill, const std::string& t) {
    return "<circle cx=\"" + num(px) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" fill=\"" + fill +
           "\" stroke=\"#fff\" stroke-width=\"0.8\">" + t + "</circle>";
  }

  static std::string triangle(double px, double y, double r, bool up, const std::string& fill, const std::string& t) {
    const double s = up ? 1 : -1;
    return "<path d=\"M" + num(px) + " " + num(y - s * r) + " L" + num(px + r) + " " + num(y + s * r) + " L" +
           num(px - r) + " " + num(y + s * r) + "Z\" fill=\"" + fill + "\">" + t + "</path>";
  }

  // `start`: the first of a pair (checkpoint_start), drawn hollow.
  static std::string mark_shape(MarkKind k, bool start, double px, double y, const std::string& t) {
    switch (k) {
      case MarkKind::Checkpoint: return diamond(px, y, 4.5, start ? "#ffffff" : "#137a7a", "#137a7a", t);
      case MarkKind::ShutdownCheckpoint: return diamond(px, y, 7, start ? "#ffffff" : "#c00000", "#c00000", t);
      case MarkKind::Promote: return triangle(px, y, 6, true, "#e0a000", t);
      case MarkKind::Refused:
        return "<rect x=\"" + num(px - 3.5) + "\" y=\"" + num(y - 3.5) +
               "\" width=\"7\" height=\"7\" fill=\"#fff\" stroke=\"#e07000\" stroke-width=\"2\">" + t + "</rect>";
      case MarkKind::Redo:
        return "<rect x=\"" + num(px - 3.5) + "\" y=\"" + num(y - 3.5) +
               "\" width=\"7\" height=\"7\" fill=\"#8c564b\">" + t + "</rect>";
      case MarkKind::Reinit: return circle(px, y, 6, "#d0007a", t);
      case MarkKind::Ready: return circle(px, y, 4.5, "#2ca02c", t);
      case MarkKind::ShutdownRequest: return triangle(px, y, 6, false, "#d62728", t);
      case MarkKind::Walsender: return circle(px, y, 3.5, "#7b4fb0", t);
      case MarkKind::Walreceiver: return circle(px, y, 3.5, "#1f77b4", t);
      case MarkKind::Fault:
        return "<path d=\"M" + num(px + 1) + " " + num(y - 8) + " L" + num(px - 4) + " " + num(y + 1) + " L" + num(px) +
               " " + num(y + 1) + " L" + num(px - 1) + " " + num(y + 8) + " L" + num(px + 4) + " " + num(y - 1) + " L" +
               num(px) + " " + num(y - 1) + "Z\" fill=\"#ff2020\" stroke=\"#600\" stroke-width=\"0.6\">" + t +
               "</path>";
      case MarkKind::Other: return circle(px, y, 3, "#999999", t);
    }
    return "";
  }

  void legend() {
    double y = legend_top_ + 10;
    out_ += "<g class=\"legend\"><text x=\"10\" y=\"" + num(y) + "\" class=\"row\">postmaster states</text>";
    double lx = kLeft;
    for (std::size_t i = 0; i < l_.states.size(); ++i) {
      const std::string& s = l_.states[i];
      out_ += "<rect x=\"" + num(lx) + "\" y=\"" + num(y - 9) + "\" width=\"14\" height=\"11\" fill=\"" +
              state_colour(s, i) + "\"/><text x=\"" + num(lx + 18) + "\" y=\"" + num(y) + "\">" + esc(s) + "</text>";
      lx += 30 + static_cast<double>(s.size()) * kCharWidth * 1.25;  // capitals are wider
      if (lx > width_ - 150 && i + 1 < l_.states.size()) lx = kLeft, y += 16;
    }
    y += 22;
    out_ += "<text x=\"10\" y=\"" + num(y) + "\" class=\"row\">lane ends</text>";
    lx = kLeft;
    const std::string none;
    auto item = [&](const std::string& shape, const std::string& text) {
      out_ += shape + "<text x=\"" + num(lx + 10) + "\" y=\"" + num(y + 3.5) + "\">" + esc(text) + "</text>";
      lx += 26 + static_cast<double>(text.size()) * kCharWidth * 1.1;
    };
    const double gy = y;
    item("<circle cx=\"" + num(lx) + "\" cy=\"" + num(gy) + "\" r=\"3.5\" fill=\"#2ca02c\"/>", "exit 0");
    item("<path d=\"M" + num(lx - 4) + " " + num(gy - 4) + " L" + num(lx + 4) + " " + num(gy + 4) + " M" + num(lx - 4) +
             " " + num(gy + 4) + " L" + num(lx + 4) + " " + num(gy - 4) +
             "\" stroke=\"#e07000\" stroke-width=\"2.5\"/>",
         "error exit");
    item("<rect x=\"" + num(lx - 4) + "\" y=\"" + num(gy - 4) + "\" width=\"8\" height=\"8\" fill=\"#c00000\"/>",
         "killed by a signal");
    item("<rect x=\"" + num(lx - 1.5) + "\" y=\"" + num(gy - 6) + "\" width=\"3\" height=\"12\" fill=\"#1f5fb4\"/>",
         "quit: exited after a stop signal from the postmaster");
    item("<path d=\"M" + num(lx - 6) + " " + num(gy - 4) + " L" + num(lx) + " " + num(gy) + " L" + num(lx - 6) + " " +
             num(gy + 4) + "Z\" fill=\"#777\"/>",
         "no exit: running");
    item("<text x=\"" + num(lx - 3) + "\" y=\"" + num(gy + 4) + "\" font-weight=\"bold\" fill=\"#888\">?</text>",
         "gone unseen");
    y += 22;
    out_ += "<text x=\"10\" y=\"" + num(y) + "\" class=\"row\">marks</text>";
    lx = kLeft;
    const double my = y;
    item(mark_shape(MarkKind::ShutdownCheckpoint, false, lx, my, none), "shutdown checkpoint (start hollow)");
    item(mark_shape(MarkKind::Checkpoint, false, lx, my, none), "checkpoint");
    item(mark_shape(MarkKind::ShutdownRequest, false, lx, my, none), "stop request");
    item(mark_shape(MarkKind::Ready, false, lx, my, none), "ready");
    item(mark_shape(MarkKind::Reinit, false, lx, my, none), "reinit");
    item(mark_shape(MarkKind::Redo, false, lx, my, none), "redo");
    item(mark_shape(MarkKind::Promote, false, lx, my, none), "promote");
    item(mark_shape(MarkKind::Refused, false, lx, my, none), "refused");
    item(mark_shape(MarkKind::Walsender, false, lx, my, none), "walsender state");
    item(mark_shape(MarkKind::Walreceiver, false, lx, my, none), "walreceiver state");
    item(mark_shape(MarkKind::Fault, false, lx, my, none), "fault hit");
    y += 22;
    out_ += "<text x=\"10\" y=\"" + num(y) + "\" class=\"row\">signals (arrows)</text>";
    lx = kLeft;
    for (const char* sig : {"SIGTERM", "SIGQUIT", "SIGKILL", "SIGUSR2", "SIGUSR1", "SIGHUP", "SIGINT"}) {
      out_ += "<line x1=\"" + num(lx - 6) + "\" y1=\"" + num(y - 3) + "\" x2=\"" + num(lx + 6) + "\" y2=\"" +
              num(y - 3) + "\" stroke=\"" + signal_colour(sig) + "\" stroke-width=\"2\"/>";
      lx += 4;
      item("", sig);
    }
    out_ += "</g>\n";
  }
};

}  // namespace

std::string timeline_svg(const TimelineLayout& layout, const SvgOptions& opts) { return Writer(layout, opts).run(); }

}  // namespace pmemu::pmctl
