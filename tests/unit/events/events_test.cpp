#include <doctest.h>

#include <algorithm>
#include <csignal>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "events/events.h"

using namespace pmemu::events;

namespace {

std::string line(std::string_view ev, std::initializer_list<Field> f) {
  char buf[kMaxLine];
  Header h{"2026-01-02T03:04:05.000006Z", 42, 7, "client backend", 1};
  std::size_t n = format_line(buf, sizeof buf, h, ev, f);
  return std::string(buf, n);
}

}  // namespace

TEST_CASE("a line has the header fields in order, then the event's own, and ends with a newline") {
  CHECK(line("fork", {{"child_pid", 12}, {"child_type", "walsender"}, {"crash", true}}) ==
        "{\"ts\":\"2026-01-02T03:04:05.000006Z\",\"mono_ns\":42,\"pid\":7,\"ptype\":\"client backend\","
        "\"gen\":1,\"ev\":\"fork\",\"child_pid\":12,\"child_type\":\"walsender\",\"crash\":true}\n");
}

TEST_CASE("strings are JSON-escaped and LSNs print as X/X") {
  CHECK(line("x", {{"s", "a\"b\\c\nd\x01"}, {"lsn", Lsn{0x100000028ULL}}, {"f", false}}).find(
            "\"s\":\"a\\\"b\\\\c\\nd\\u0001\",\"lsn\":\"1/28\",\"f\":false}") != std::string::npos);
}

TEST_CASE("a line that does not fit is dropped whole, not cut") {
  char buf[64];
  Header h{"t", 0, 0, "p", 0};
  CHECK(format_line(buf, sizeof buf, h, "ev", {{"long", std::string_view(std::string(100, 'x'))}}) == 0);
}

TEST_CASE("emit writes each event as one write of one whole line, and counts what it drops") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  use_fd(p[1]);
  set_generation(3);
  emit("reinit", {});
  emit("ready", {{"read_only", false}});
  // A pipe keeps write boundaries readable: two reads of what two writes put.
  char buf[4096];
  ssize_t n = ::read(p[0], buf, sizeof buf);
  REQUIRE(n > 0);
  std::string got(buf, static_cast<std::size_t>(n));
  CHECK(got.find("\"gen\":3,\"ev\":\"reinit\"}\n") != std::string::npos);
  CHECK(got.find("\"ev\":\"ready\",\"read_only\":false}\n") != std::string::npos);
  CHECK(std::count(got.begin(), got.end(), '\n') == 2);
  ::close(p[0]);
  // A write to a pipe with no reader fails: dropped and counted, no signal death.
  auto before = dropped_count();
  std::signal(SIGPIPE, SIG_IGN);
  emit("lost", {});
  CHECK(dropped_count() == before + 1);
  close_stream();
}

TEST_CASE("signal names") {
  char b[16];
  CHECK(signal_name(SIGKILL, b) == "SIGKILL");
  CHECK(signal_name(64, b) == "SIG64");
}
