// The PM_SHUTDOWN_2 guarantee: on smart and fast shutdown the walsender
// sends everything through the shutdown checkpoint record, waits for the
// standby (here pg_receivewal --synchronous) to confirm it, and only then
// exits; immediate shutdown makes no such promise.
#include <doctest.h>

#include "tests/integration/receivewal_support.h"

using namespace pmemu::integration;
namespace fs = std::filesystem;

namespace {

struct Streamed {
  Cluster c;
  fs::path recv_dir;
  std::unique_ptr<ReceiveWal> rw;

  Streamed() {
    c.init();
    c.start();
    recv_dir = c.base_dir() / "recv";
    rw = std::make_unique<ReceiveWal>(c, recv_dir, std::vector<std::string>{"--synchronous"},
                                      c.base_dir() / "receivewal.log");
    wait_for("pg_receivewal streaming", 15s, [&](std::string& seen) {
      auto rows = replication_rows(c);
      seen = rw->output();
      return rows.size() == 1 && rows[0][3] == "streaming";
    });
    std::string sql;
    for (int i = 0; i < 100; ++i) sql += "INSERT INTO kv VALUES ('g" + std::to_string(i) + "', 'v');";
    REQUIRE(c.psql(sql).exit_code == 0);
  }

  // The receiver's copy of the segment holding `lsn` (completed or partial).
  std::string received_segment(std::uint64_t lsn) {
    const std::uint64_t seg = lsn >> 24;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%08X%08X%08X", 1u, static_cast<unsigned>(seg >> 8),
                  static_cast<unsigned>(seg & 0xFF));
    for (const std::string suffix : {"", ".partial"})
      if (fs::exists(recv_dir / (buf + suffix))) return file_bytes(recv_dir / (buf + suffix));
    return "";
  }

  // End of the record at `lsn` per pmctl waldump: lsn + MAXALIGN(len).
  std::uint64_t record_end(const std::string& lsn) {
    auto r = c.pmctl({"waldump", "-D", c.data_dir().string(), "-s", lsn});
    std::smatch m;
    std::regex re(R"(len: (\d+), type: (\w+))");
    REQUIRE_MESSAGE(std::regex_search(r.out, m, re), r.describe());
    CHECK(m[2].str() == "CHECKPOINT_SHUTDOWN");
    return lsn_value(lsn) + ((std::stoull(m[1].str()) + 7) & ~std::uint64_t{7});
  }

  void check_guarantee(const std::string& mode) {
    const size_t log_from = c.log_size();
    auto stop = c.stop(mode);
    REQUIRE_MESSAGE(stop.exit_code == 0, stop.describe() << "\n" << c.log());
    rw->wait_gone(15s);
    const std::string ckpt = controldata_field(c, "Latest checkpoint location");
    CHECK(controldata_field(c, "Database cluster state") == "shut down");
    const std::uint64_t end = record_end(ckpt);
    const std::uint64_t seg_start = (end - 1) & ~((std::uint64_t{1} << 24) - 1);
    const std::string ours = file_bytes(c.data_dir() / "pg_wal" / fs::path(received_name(end - 1)));
    const std::string theirs = received_segment(end - 1);
    REQUIRE_MESSAGE(theirs.size() == (std::size_t{1} << 24), rw->output());
    const std::size_t upto = end - seg_start;
    // Everything through the checkpoint record's end arrived, and it is the
    // end of WAL: ours has nothing after it either.
    CHECK_MESSAGE(theirs.compare(0, upto, ours, 0, upto) == 0, "receiver lacks WAL before " << ckpt);
    CHECK(ours.find_first_not_of('\0', upto) == std::string::npos);
    // pg_receivewal's words for a server that ended the stream with COPY 0.
    const bool clean_end = contains(rw->output(), "replication stream was terminated before stop point");
    CHECK_MESSAGE(clean_end, rw->output());
    // The walsender left only after the checkpoint: the postmaster waited
    // for it in PM_SHUTDOWN_2.
    const std::string log = c.log().substr(log_from);
    const auto ck = log.find("checkpoint complete:");
    const auto sent = log.find("walsender stopping: standby confirmed WAL up to ");
    const auto gone = log.find("PM_SHUTDOWN_2 -> PM_WAIT_DEAD_END");
    CHECK_MESSAGE((ck != std::string::npos && sent != std::string::npos && gone != std::string::npos &&
                   ck < sent && sent < gone), log);
    char end_text[32];
    std::snprintf(end_text, sizeof end_text, "%X/%X", static_cast<unsigned>(end >> 32), static_cast<unsigned>(end));
    CHECK_MESSAGE(contains(log, std::string("confirmed WAL up to ") + end_text), log);
  }

  static std::string received_name(std::uint64_t lsn) {
    const std::uint64_t seg = lsn >> 24;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%08X%08X%08X", 1u, static_cast<unsigned>(seg >> 8),
                  static_cast<unsigned>(seg & 0xFF));
    return buf;
  }
};

}  // namespace

TEST_CASE("010 fast shutdown: pg_receivewal --synchronous holds the shutdown checkpoint record") {
  Streamed s;
  s.check_guarantee("fast");
}

TEST_CASE("010 smart shutdown: pg_receivewal --synchronous holds the shutdown checkpoint record") {
  Streamed s;
  s.check_guarantee("smart");
}

TEST_CASE("010 immediate shutdown makes no guarantee") {
  Streamed s;
  const std::string before = controldata_field(s.c, "Latest checkpoint location");
  auto stop = s.c.stop("immediate");
  REQUIRE_MESSAGE(stop.exit_code == 0, stop.describe());
  s.rw->wait_gone(15s);
  // No shutdown checkpoint was written, so none could be streamed.
  CHECK(controldata_field(s.c, "Database cluster state") != "shut down");
  CHECK(controldata_field(s.c, "Latest checkpoint location") == before);
  CHECK_FALSE(contains(s.rw->output(), "replication stream was terminated before stop point"));
}

TEST_CASE("010 an idle walsender is ended at shutdown with 57P01, before the checkpoint") {
  Cluster c;
  c.init();
  c.start();
  PgConn idle = PgConn::connect("host=127.0.0.1 port=" + std::to_string(c.port()) + " user=" + c.user() +
                                " dbname=replication replication=true");
  REQUIRE(idle.connected());
  REQUIRE(idle.exec("IDENTIFY_SYSTEM").ok());
  auto stop = c.stop("fast");
  REQUIRE_MESSAGE(stop.exit_code == 0, stop.describe() << c.log());
  const QueryResult after = idle.exec("IDENTIFY_SYSTEM");
  CHECK_FALSE(after.ok());
  CHECK_MESSAGE(idle.told("terminating connection due to administrator command"), after.describe());
}
