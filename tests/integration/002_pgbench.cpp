// Unmodified pgbench against the server: a new connection per transaction
// (-C) and eight concurrent sessions, both with simple-protocol INSERTs for
// 5 s. No errors, and every transaction pgbench counted is a row.
#include <doctest.h>

#include <fstream>
#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

namespace {

// Keys are drawn from 9e18 values, so two transactions colliding (and a
// plain INSERT failing with 23505) is a one-in-1e11 event.
constexpr const char* kInsertScript =
    "\\set k random(1, 9000000000000000000)\n"
    "INSERT INTO kv VALUES (:k, 'v');\n";

long long field(const std::string& out, const std::string& pattern) {
  std::smatch m;
  if (std::regex_search(out, m, std::regex(pattern))) return std::stoll(m[1].str());
  return -1;
}

long long run_pgbench(Cluster& c, const std::string& script, std::vector<std::string> options) {
  std::vector<std::string> argv{"pgbench", "-h", "127.0.0.1", "-p", std::to_string(c.port()), "-U", c.user(), "-n",
                                "-M", "simple", "-T", "5", "-f", script};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("postgres");
  const CmdResult r = run_command(argv, std::chrono::seconds(60));
  INFO("pgbench " << options.front() << ": " << r.describe());
  CHECK(r.exit_code == 0);
  const long long processed = field(r.out, R"(number of transactions actually processed: (\d+))");
  const long long failed = field(r.out, R"(number of failed transactions: (\d+))");
  CHECK(processed > 0);
  CHECK(failed == 0);
  CHECK_MESSAGE(!contains(r.err, "error"), r.err);
  return processed;
}

long long row_count(Cluster& c) {
  const CmdResult r = c.psql("SELECT count(*) FROM kv");
  REQUIRE_MESSAGE(r.exit_code == 0, r.describe());
  return std::stoll(trim(r.out));
}

}  // namespace

TEST_CASE("002 pgbench: -C and -c 8 INSERT runs without errors, every transaction a row") {
  Cluster c;
  c.init();
  c.start();
  const std::string script = (c.base_dir() / "insert.sql").string();
  std::ofstream(script) << kInsertScript;

  const long long reconnecting = run_pgbench(c, script, {"-C", "-c", "4", "-j", "2"});
  CHECK(row_count(c) == reconnecting);

  const long long concurrent = run_pgbench(c, script, {"-c", "8", "-j", "2"});
  CHECK(row_count(c) == reconnecting + concurrent);

  // Every pgbench session goes away: only our own query's backend remains.
  wait_for("pgbench's backends to exit", 10s, [&](std::string& seen) {
    const CmdResult act = c.psql("SELECT * FROM pg_stat_activity");
    seen = act.describe();
    size_t backends = 0;
    for (const auto& line : lines_of(act.out)) backends += contains(line, "client backend") ? 1 : 0;
    return act.exit_code == 0 && backends == 1;
  });
}
