// Settings: SIGHUP (pmctl reload) picks up a changed value, a bad value on
// reload is logged and ignored, and a bad setting stops start-up with a
// FATAL that names it.
#include <doctest.h>

#include <fstream>
#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

namespace {

void wait_for_show(Cluster& c, const std::string& name, const std::string& value) {
  wait_for("SHOW " + name + " = " + value + " in a new session", 10s, [&](std::string& seen) {
    const CmdResult r = c.psql("SHOW " + name);
    seen = r.describe();
    return r.exit_code == 0 && trim(r.out) == value;
  });
}

void remove_conf_lines_containing(Cluster& c, const std::string& needle) {
  const auto path = c.data_dir() / "postgresql.conf";
  std::string kept;
  for (const auto& line : lines_of(read_text(path))) {
    if (!contains(line, needle)) kept += line + "\n";
  }
  std::ofstream(path, std::ios::trunc) << kept;
}

}  // namespace

TEST_CASE("008 config: SIGHUP picks up a changed setting; a bad one is logged and ignored") {
  Cluster c;
  c.init();
  c.start();
  PgConn existing = c.session();
  CHECK(trim(c.psql("SHOW checkpoint_timeout").out) == "5min");

  c.append_conf("checkpoint_timeout = 7min");
  const CmdResult reload = c.pmctl({"reload", "-D", c.data_dir().string()});
  REQUIRE_MESSAGE(reload.exit_code == 0, reload.describe());
  wait_for_show(c, "checkpoint_timeout", "7min");
  wait_for("the existing session to see checkpoint_timeout = 7min", 10s, [&](std::string& seen) {
    const QueryResult r = existing.exec("SHOW checkpoint_timeout");
    seen = r.describe();
    return r.ok() && r.get() == "7min";
  });

  const size_t before = c.log_size();
  c.append_conf("checkpoint_timeout = banana");
  REQUIRE(c.pmctl({"reload", "-D", c.data_dir().string()}).exit_code == 0);
  c.wait_for_log_regex(R"((ERROR|LOG|WARNING):  .*checkpoint_timeout)", 10s, before);
  CHECK(trim(c.psql("SHOW checkpoint_timeout").out) == "7min");
  CHECK(c.pmctl({"status", "-D", c.data_dir().string()}).exit_code == 0);
}

TEST_CASE("008 config: the last of two lines wins, and -c on the command line overrides the file") {
  Cluster c;
  c.init();
  c.append_conf("checkpoint_timeout = 6min");
  c.append_conf("checkpoint_timeout = 8min");
  c.start();
  CHECK(trim(c.psql("SHOW checkpoint_timeout").out) == "8min");
  REQUIRE(c.stop("fast").exit_code == 0);
  c.start({"-o", "-c checkpoint_timeout=9min"});
  CHECK(trim(c.psql("SHOW checkpoint_timeout").out) == "9min");
}

TEST_CASE("008 config: a bad setting fails start-up with a FATAL naming it") {
  Cluster c;
  c.init();

  c.append_conf("no_such_setting_for_test = 1");
  const CmdResult unknown = c.try_start();
  CHECK_MESSAGE(unknown.exit_code != 0, unknown.describe());
  CHECK_MESSAGE(std::regex_search(c.log(), std::regex(R"(FATAL:  .*no_such_setting_for_test)")), c.log());
  c.wait_postmaster_gone(10s);
  remove_conf_lines_containing(c, "no_such_setting_for_test");

  const size_t before = c.log_size();
  c.append_conf("max_connections = lots");
  const CmdResult bad_value = c.try_start();
  CHECK_MESSAGE(bad_value.exit_code != 0, bad_value.describe());
  const std::string log = c.log().substr(before);
  CHECK_MESSAGE(std::regex_search(log, std::regex(R"(FATAL:  .*max_connections)")), log);
  c.wait_postmaster_gone(10s);
  remove_conf_lines_containing(c, "max_connections = lots");

  c.start();
  CHECK(trim(c.psql("SHOW max_connections").out) == "100");
}
