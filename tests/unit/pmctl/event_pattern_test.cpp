#include <doctest.h>

#include "pmctl/event_assert.h"
#include "pmctl/event_pattern.h"

using namespace pmemu::pmctl;

namespace {

std::vector<EventLine> sample() {
  return parse_event_text(
      "{\"ev\":\"fork\",\"child_pid\":10,\"child_type\":\"client backend\"}\n"
      "{\"ev\":\"exit\",\"child_pid\":10,\"child_type\":\"client backend\",\"signal\":\"SIGKILL\",\"crash\":true}\n"
      "{\"ev\":\"reinit\"}\n"
      "not json\n"
      "{\"ev\":\"checkpoint_done\",\"kind\":\"shutdown\",\"lsn\":\"0/1000028\"}\n"
      "{\"ev\":\"postmaster_exit\",\"code\":0}\n"
      "{\"ev\":\"half written",
      1);
}

EventPattern pat(const std::string& text) {
  std::vector<std::string> w;
  REQUIRE(split_words(text, &w));
  std::string err;
  auto p = parse_pattern(w, &err);
  REQUIRE_MESSAGE(p, err);
  return *p;
}

Verdict check(const std::string& text, const std::vector<EventLine>& ev) {
  std::string err;
  auto a = parse_assertion(text, &err);
  REQUIRE_MESSAGE(a, err);
  return evaluate(*a, ev);
}

}  // namespace

TEST_CASE("a line parses into its fields, strings unescaped, other values as written") {
  auto e = parse_event_line(R"({"ts":"x","pid":12,"s":"a\"b\\c\u0041","ok":true})", 3);
  REQUIRE(e);
  CHECK(e->line_no == 3);
  CHECK(*e->get("pid") == "12");
  CHECK(*e->get("s") == "a\"b\\cA");
  CHECK(*e->get("ok") == "true");
  CHECK_FALSE(parse_event_line("{\"a\":", 1));
  CHECK_FALSE(parse_event_line("{\"a\":{\"b\":1}}", 1));
}

TEST_CASE("only whole lines count, numbered from 1, a bad line skipped but counted") {
  auto ev = sample();
  REQUIRE(ev.size() == 5);
  CHECK(ev[3].line_no == 5);
  CHECK(parse_event_text("{\"ev\":\"a\"}\n{\"ev\":\"b\"}\n", 2).at(0).line_no == 2);
}

TEST_CASE("patterns: quoted values, values with spaces passed whole by the shell") {
  auto ev = sample();
  CHECK(pat("exit child_type='client backend' crash=true").matches(ev[1]));
  CHECK_FALSE(pat("exit crash=false").matches(ev[1]));
  CHECK_FALSE(pat("exit").matches(ev[0]));
  CHECK(pat("fork child_pid=10").matches(ev[0]));
  std::string err;
  auto p = parse_pattern_argv({"exit", "child_type=client backend", "crash=true"}, &err);
  REQUIRE(p);
  CHECK(p->matches(ev[1]));
  auto q = parse_pattern_argv({"exit", "child_type='client backend'"}, &err);
  REQUIRE(q);
  CHECK(q->matches(ev[1]));
  CHECK(q->text() == "exit child_type='client backend'");
  CHECK_FALSE(parse_pattern_argv({"exit", "stray"}, &err));
  CHECK(err.find("field=value") != std::string::npos);
  CHECK_FALSE(parse_pattern_argv({"exit", "a='b"}, &err));
}

TEST_CASE("A before B") {
  auto ev = sample();
  CHECK(check("checkpoint_done kind=shutdown before postmaster_exit", ev).ok);
  auto v = check("postmaster_exit before checkpoint_done", ev);
  CHECK_FALSE(v.ok);
  CHECK(v.why.find("line 5") != std::string::npos);
  CHECK_FALSE(check("promote before reinit", ev).ok);  // A never happened
  CHECK_FALSE(check("reinit before promote", ev).ok);  // B never happened
}

TEST_CASE("no A after B") {
  auto ev = sample();
  CHECK(check("no fork after reinit", ev).ok);
  CHECK(check("no fork after promote", ev).ok);  // no B: nothing follows it
  auto v = check("no postmaster_exit after reinit", ev);
  CHECK_FALSE(v.ok);
  CHECK(v.why.find("line 6") != std::string::npos);
}

TEST_CASE("count A OP N") {
  auto ev = sample();
  CHECK(check("count reinit = 1", ev).ok);
  CHECK(check("count exit crash=true >= 1", ev).ok);
  CHECK(check("count fork < 2", ev).ok);
  CHECK(check("count promote <= 0", ev).ok);
  CHECK_FALSE(check("count reinit > 1", ev).ok);
  CHECK_FALSE(check("count reinit = 2", ev).ok);
}

TEST_CASE("malformed assertions are errors, not false verdicts") {
  std::string err;
  CHECK_FALSE(parse_assertion("reinit", &err));
  CHECK_FALSE(parse_assertion("count reinit ~ 1", &err));
  CHECK_FALSE(parse_assertion("count reinit = x", &err));
  CHECK_FALSE(parse_assertion("before reinit", &err));
  CHECK_FALSE(parse_assertion("no reinit after", &err));
}
