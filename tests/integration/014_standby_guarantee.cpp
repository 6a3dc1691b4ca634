// Two standbys and the primary's shutdown: after a smart or fast shutdown
// each standby has flushed exactly through the end of the shutdown
// checkpoint record named in the primary's pg_control, and the walsenders
// exit after "checkpoint complete"; after an immediate shutdown no standby
// holds a shutdown checkpoint. Also: kill -9 of a walreceiver crash-restarts
// the standby and streaming resumes; a primary restart is retried without a
// gap.
#include <doctest.h>

#include <signal.h>

#include <regex>

#include "tests/integration/harness/cluster.h"
#include "tests/integration/harness/copy.h"
#include "tests/integration/harness/text.h"
#include "tests/integration/harness/wait.h"
#include "tests/integration/receivewal_support.h"

using namespace pmemu::integration;
using namespace std::chrono_literals;

namespace {

struct Setup {
  Cluster primary{"primary"};
  Cluster s1{"s1"};
  Cluster s2{"s2"};

  Setup() {
    primary.init({"wal_keep_size=64MB"});
    primary.start();
    for (Cluster* s : {&s1, &s2}) {
      (void)make_streaming_standby(primary, *s, s == &s1 ? "s1" : "s2", {}, {"wal_retrieve_retry_interval = 200ms"});
      s->start();
      s->wait_for_log("database system is ready to accept read-only connections", 20s);
    }
    wait_for("two streaming standbys", 20s, [&](std::string& seen) {
      auto rows = replication_rows(primary);
      seen = std::to_string(rows.size()) + " rows";
      int streaming = 0;
      for (auto& r : rows) streaming += r[3] == "streaming";
      return streaming == 2;
    });
  }

  void write(const std::string& prefix, int n) {
    PgConn p = primary.session();
    for (int i = 0; i < n; ++i)
      REQUIRE(p.exec("INSERT INTO kv VALUES ('" + prefix + std::to_string(i) + "', 'v')").ok());
  }

  // End of the record at `lsn` on the primary: lsn + MAXALIGN(len), with its type.
  std::pair<std::uint64_t, std::string> record_end(const std::string& lsn) {
    auto r = primary.pmctl({"waldump", "-D", primary.data_dir().string(), "-s", lsn});
    std::smatch m;
    std::regex re(R"(len: (\d+), type: (\w+))");
    REQUIRE_MESSAGE(std::regex_search(r.out, m, re), r.describe());
    return {lsn_value(lsn) + ((std::stoull(m[1].str()) + 7) & ~std::uint64_t{7}), m[2].str()};
  }

  std::uint64_t received(Cluster& s) {
    return lsn_value(trim(s.psql("SELECT pg_last_wal_receive_lsn()").out));
  }
};

void check_guarantee(const std::string& mode) {
  Setup st;
  st.write("r", 30);
  const size_t from = st.primary.log_size();
  REQUIRE(st.primary.stop(mode).exit_code == 0);
  const std::string ckpt = controldata_field(st.primary, "Latest checkpoint location");
  auto [end, type] = st.record_end(ckpt);
  CHECK(type == "CHECKPOINT_SHUTDOWN");
  CHECK(controldata_field(st.primary, "Database cluster state") == "shut down");
  for (Cluster* s : {&st.s1, &st.s2}) CHECK_MESSAGE(st.received(*s) == end, mode << ": standby flushed " << trim(s->psql("SELECT pg_last_wal_receive_lsn()").out) << ", checkpoint record ends at end " << end);
  // The walsenders left after the checkpoint was complete.
  const std::string log = st.primary.log().substr(from);
  const auto done = log.find("checkpoint complete");
  const auto ws = log.find("walsender stopping");
  REQUIRE(done != std::string::npos);
  REQUIRE(ws != std::string::npos);
  CHECK(done < ws);
  CHECK(log.find("PM_SHUTDOWN -> PM_SHUTDOWN_2") < log.rfind("walsender stopping"));
}

}  // namespace

TEST_CASE("014 standbys hold the shutdown checkpoint: smart") { check_guarantee("smart"); }

TEST_CASE("014 standbys hold the shutdown checkpoint: fast") { check_guarantee("fast"); }

TEST_CASE("014 immediate shutdown makes no such promise") {
  Setup st;
  st.write("r", 30);
  const std::string before = controldata_field(st.primary, "Latest checkpoint location");
  REQUIRE(st.primary.stop("immediate").exit_code == 0);
  CHECK(controldata_field(st.primary, "Database cluster state") == "in production");
  CHECK(controldata_field(st.primary, "Latest checkpoint location") == before);
  for (Cluster* s : {&st.s1, &st.s2}) {
    // From the last checkpoint the primary wrote, the standby holds rows but no shutdown checkpoint.
    auto dump = s->pmctl({"waldump", "-D", s->data_dir().string(), "-s", before});
    CHECK(contains(dump.out, "KV_INSERT"));
    CHECK_FALSE(contains(dump.out, "CHECKPOINT_SHUTDOWN"));
  }
}

TEST_CASE("014 kill -9 of a walreceiver crash-restarts the standby; a primary restart is retried") {
  Setup st;
  st.write("a", 10);
  wait_for("s1 to have 10 rows", 20s, [&](std::string& seen) {
    seen = trim(st.s1.psql("SELECT count(*) FROM kv").out);
    return seen == "10";
  });
  auto rcv = st.s1.pids_by_title("walreceiver");
  REQUIRE(rcv.size() == 1);
  REQUIRE(::kill(rcv[0].get(), SIGKILL) == 0);
  st.s1.wait_for_log("WAL receiver process (PID " + std::to_string(rcv[0].get()) + ") was terminated by signal 9", 10s);
  st.s1.wait_for_log("all server processes terminated; reinitializing", 10s);
  st.s1.wait_for_log_count("database system is ready to accept read-only connections", 2, 20s);
  st.write("b", 10);
  wait_for("s1 to stream again after its crash restart", 30s, [&](std::string& seen) {
    seen = trim(st.s1.psql("SELECT count(*) FROM kv").out);
    return seen == "20";
  });

  // The primary goes away and comes back: the walreceivers retry and resume.
  REQUIRE(st.primary.stop("fast").exit_code == 0);
  st.primary.start();
  st.write("c", 10);
  for (Cluster* s : {&st.s1, &st.s2}) {
    wait_for("a standby to resume after the primary's restart", 30s, [&](std::string& seen) {
      seen = trim(s->psql("SELECT count(*) FROM kv").out);
      return seen == "30";
    });
  }
}
