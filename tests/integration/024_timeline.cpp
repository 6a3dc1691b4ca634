// pmctl timeline (SPEC 10.5) on a primary and its streaming standby after a
// fast stop of the primary: the SVG is well-formed, has a lane per process
// of both nodes, the shutdown checkpoint's guide line, and the walsender
// lanes end to the right of it (the walsender exits after the shutdown
// checkpoint, SPEC 5).
#include <doctest.h>

#include <cstdlib>
#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

namespace {

// Tags balance, attributes are quoted, only the five entities: enough XML
// to say a browser will parse the file. Error text, or "" when well-formed.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> open;
  std::size_t i = 0;
  while ((i = s.find('<', i)) != std::string::npos) {
    const std::size_t close = s.find('>', i);
    if (close == std::string::npos) return "unclosed tag at " + std::to_string(i);
    const std::string tag = s.substr(i + 1, close - i - 1);
    if (std::count(tag.begin(), tag.end(), '"') % 2 != 0) return "odd quotes in <" + tag + ">";
    if (tag.empty()) return "empty tag";
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes nothing open";
      open.pop_back();
    } else if (tag.back() != '/' && tag[0] != '?' && tag[0] != '!') {
      open.push_back(tag.substr(0, tag.find_first_of(" \n")));
    }
    i = close + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  for (std::size_t at = s.find('&'); at != std::string::npos; at = s.find('&', at + 1)) {
    const std::string rest = s.substr(at, 6);
    if (rest.rfind("&amp;", 0) && rest.rfind("&lt;", 0) && rest.rfind("&gt;", 0) && rest.rfind("&quot;", 0) &&
        rest.rfind("&apos;", 0))
      return "bare & at " + std::to_string(at);
  }
  return "";
}

// The text of node `name`'s group in the SVG.
std::string node_group(const std::string& svg, const std::string& name) {
  const std::size_t b = svg.find("<g class=\"node-group\" data-node=\"" + name + "\">");
  REQUIRE_MESSAGE(b != std::string::npos, "no node " << name);
  return svg.substr(b, svg.find("</g>\n</g>", b) - b);
}

std::vector<double> numbers_after(const std::string& text, const std::string& regex) {
  std::vector<double> out;
  const std::regex re(regex);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back(std::atof((*it)[1].str().c_str()));
  return out;
}

std::string ts_of(const CmdResult& waited) {
  std::smatch m;
  REQUIRE_MESSAGE(std::regex_search(waited.out, m, std::regex("\"ts\":\"([^\"]+)\"")), waited.describe());
  return m[1];
}

}  // namespace

TEST_CASE("024 timeline: a primary's fast stop with a standby, drawn; walsenders end after the shutdown checkpoint") {
  Cluster primary("primary"), standby("standby");
  primary.init();
  primary.start();
  (void)make_streaming_standby(primary, standby, "standby");
  standby.start();
  const std::string pdir = primary.data_dir().string(), sdir = standby.data_dir().string();
  const CmdResult streaming = primary.pmctl({"wait", "-D", pdir, "walsender_state", "state=streaming", "--since", "1"});
  REQUIRE_MESSAGE(streaming.exit_code == 0, streaming.describe());
  REQUIRE(primary.stop("fast").exit_code == 0);
  const CmdResult request = primary.pmctl({"wait", "-D", pdir, "shutdown_request", "--since", "1", "-t", "5"});
  const CmdResult exited = primary.pmctl({"wait", "-D", pdir, "postmaster_exit", "--since", "1", "-t", "5"});

  const std::string whole = (primary.base_dir() / "whole.svg").string();
  const CmdResult drawn = primary.pmctl({"timeline", "-D", pdir, "-D", sdir, "-o", whole});
  REQUIRE_MESSAGE(drawn.exit_code == 0, drawn.describe());
  const std::string svg = read_text(whole);
  CHECK_MESSAGE(xml_problem(svg).empty(), xml_problem(svg));
  const std::string pname = primary.base_dir().filename().string() + "/data";
  const std::string sname = standby.base_dir().filename().string() + "/data";
  const std::string p = node_group(svg, pname), s = node_group(svg, sname);
  for (const char* kind : {"postmaster", "checkpointer", "startup", "walsender"})
    CHECK_MESSAGE(contains(p, std::string("data-kind=\"") + kind + "\""), kind);
  for (const char* kind : {"postmaster", "checkpointer", "startup", "walreceiver"})
    CHECK_MESSAGE(contains(s, std::string("data-kind=\"") + kind + "\""), kind);
  CHECK(svg.find("data-node=\"" + pname + "\"") < svg.find("data-node=\"" + sname + "\""));
  CHECK(contains(p, "shutdown checkpoint"));
  CHECK(contains(svg, "PM_SHUTDOWN_2"));
  CHECK(contains(p, "<title>signal to_pid="));

  // Zoomed on the stop (a ts each, as the events have them): there the
  // millisecond between the checkpoint and the walsenders' exits is wide.
  const std::string zoom = (primary.base_dir() / "zoom.svg").string();
  const CmdResult zoomed =
      primary.pmctl({"timeline", "-D", pdir, "-D", sdir, "-o", zoom, "--from", ts_of(request), "--to", ts_of(exited)});
  REQUIRE_MESSAGE(zoomed.exit_code == 0, zoomed.describe());
  const std::string z = read_text(zoom);
  CHECK_MESSAGE(xml_problem(z).empty(), xml_problem(z));
  const std::string zp = node_group(z, pname);
  const std::vector<double> guide = numbers_after(zp, "class=\"shutdown-checkpoint-guide\" x1=\"([0-9.]+)\"");
  REQUIRE_MESSAGE(guide.size() == 1, zp);
  const std::vector<double> walsender_ends =
      numbers_after(zp, "data-kind=\"walsender\" data-start=\"[0-9.]+\" data-end=\"([0-9.]+)\"");
  REQUIRE_MESSAGE(!walsender_ends.empty(), zp);
  for (double end : walsender_ends)
    CHECK_MESSAGE(end > guide[0] + 5, "walsender ends at x=" << end << ", checkpoint at " << guide[0]);
  CHECK(contains(zp, "data-end-kind=\"quit by the postmaster\""));
  (void)standby.stop("fast");
}
