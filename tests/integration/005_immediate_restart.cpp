// Immediate shutdown (SIGQUIT) writes no checkpoint; the next start replays
// the WAL and every committed insert, update and delete is there.
#include <doctest.h>

#include <map>
#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/text.h"

using namespace pmemu::integration;

TEST_CASE("005 immediate shutdown then restart replays WAL and keeps every committed row") {
  Cluster c;
  c.init();
  c.start();
  std::map<std::string, std::string> model;
  {
    PgConn s = c.session();
    auto run = [&](const std::string& sql) {
      const QueryResult r = s.exec(sql);
      REQUIRE_MESSAGE(r.ok(), sql << " -> " << r.describe());
    };
    for (int i = 0; i < 300; ++i) {
      const std::string k = "k" + std::to_string(i);
      run("INSERT INTO kv VALUES ('" + k + "', 'v" + std::to_string(i) + "')");
      model[k] = "v" + std::to_string(i);
      // A checkpoint in the middle: replay must start from its redo point
      // and still see what came before it.
      if (i == 150) run("CHECKPOINT");
    }
    for (int i = 0; i < 300; i += 3) {
      const std::string k = "k" + std::to_string(i);
      run("UPDATE kv SET v = 'u" + std::to_string(i) + "' WHERE k = '" + k + "'");
      model[k] = "u" + std::to_string(i);
    }
    for (int i = 1; i < 300; i += 7) {
      const std::string k = "k" + std::to_string(i);
      run("DELETE FROM kv WHERE k = '" + k + "'");
      model.erase(k);
    }
    run("INSERT INTO kv VALUES ('k1', 'again') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v");
    model["k1"] = "again";
  }

  const CmdResult stop = c.stop("immediate");
  REQUIRE_MESSAGE(stop.exit_code == 0, stop.describe());
  CHECK(c.count_in_log("received immediate shutdown request") == 1);
  const CmdResult cd = c.pmctl({"controldata", "-D", c.data_dir().string()});
  CHECK_MESSAGE(std::regex_search(cd.out, std::regex(R"(Database cluster state:\s+in production\n)")), cd.describe());

  c.start();
  const CmdResult rows = c.psql("SELECT k, v FROM kv ORDER BY k");
  REQUIRE_MESSAGE(rows.exit_code == 0, rows.describe());
  std::string expected;
  for (const auto& [k, v] : model) expected += k + "|" + v + "\n";
  CHECK(trim(rows.out) == trim(expected));
  CHECK(trim(c.psql("SELECT count(*) FROM kv").out) == std::to_string(model.size()));

  // A clean stop afterwards leaves a consistent cluster that starts again.
  REQUIRE(c.stop("fast").exit_code == 0);
  c.start();
  CHECK(trim(c.psql("SELECT count(*) FROM kv").out) == std::to_string(model.size()));
}
