#include "tests/integration/harness/repl_client.h"

#include <doctest.h>

#include <poll.h>

#include <chrono>

namespace pmemu::integration {
namespace {

constexpr auto kTimeout = std::chrono::seconds(30);

std::uint64_t be64(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

ReplResult to_result(PGresult* res) {
  ReplResult r;
  r.status = PQresultStatus(res);
  r.tag = PQcmdStatus(res);
  auto field = [&](int code) {
    const char* f = PQresultErrorField(res, code);
    return std::string(f ? f : "");
  };
  r.sqlstate = field(PG_DIAG_SQLSTATE);
  r.message = field(PG_DIAG_MESSAGE_PRIMARY);
  r.detail = field(PG_DIAG_MESSAGE_DETAIL);
  for (int c = 0; c < PQnfields(res); ++c) {
    r.columns.emplace_back(PQfname(res, c));
    r.types.push_back(PQftype(res, c));
  }
  for (int i = 0; i < PQntuples(res); ++i) {
    auto& row = r.rows.emplace_back();
    for (int c = 0; c < PQnfields(res); ++c) row.emplace_back(PQgetvalue(res, i, c));
  }
  return r;
}

}  // namespace

std::string ReplResult::describe() const {
  std::string s = std::string(PQresStatus(status)) + " tag=[" + tag + "] " + sqlstate + " " + message;
  if (!detail.empty()) s += " DETAIL: " + detail;
  for (auto& row : rows) {
    s += "\n  ";
    for (auto& v : row) s += v + "|";
  }
  return s;
}

ReplClient::ReplClient(const Cluster& c) {
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(c.port()) + " user=" + c.user() +
                               " dbname=replication replication=true connect_timeout=10 application_name=it_repl";
  conn_ = PQconnectdb(conninfo.c_str());
  REQUIRE_MESSAGE(PQstatus(conn_) == CONNECTION_OK, "replication connection failed: " << PQerrorMessage(conn_));
}

ReplClient::~ReplClient() { PQfinish(conn_); }

void ReplClient::wait_readable() {
  pollfd pfd{PQsocket(conn_), POLLIN, 0};
  const int n = ::poll(&pfd, 1, static_cast<int>(std::chrono::milliseconds(kTimeout).count()));
  REQUIRE_MESSAGE(n > 0, "no answer from the walsender within " << kTimeout.count() << " s");
  REQUIRE_MESSAGE(PQconsumeInput(conn_) == 1, "connection lost: " << PQerrorMessage(conn_));
}

std::vector<ReplResult> ReplClient::collect() {
  std::vector<ReplResult> out;
  for (;;) {
    while (PQisBusy(conn_)) wait_readable();
    PGresult* res = PQgetResult(conn_);
    if (!res) return out;
    out.push_back(to_result(res));
    PQclear(res);
    if (out.back().status == PGRES_COPY_BOTH) return out;
  }
}

std::vector<ReplResult> ReplClient::command(const std::string& sql) {
  REQUIRE_MESSAGE(PQsendQuery(conn_, sql.c_str()) == 1, PQerrorMessage(conn_));
  return collect();
}

std::string ReplClient::wal_until_copy_done(std::uint64_t start) {
  std::string wal;
  std::uint64_t next = start;
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(conn_, &buf, 1);
    if (n == 0) {
      wait_readable();
      continue;
    }
    if (n == -1) break;  // the server's CopyDone
    REQUIRE_MESSAGE(n > 0, "COPY failed: " << PQerrorMessage(conn_));
    const std::string msg(buf, static_cast<std::size_t>(n));
    PQfreemem(buf);
    if (msg[0] != 'w') continue;  // keepalives
    REQUIRE(msg.size() >= 25);
    const std::uint64_t at = be64(msg.data() + 1);
    REQUIRE_MESSAGE(at == next, "XLogData at " << at << ", expected " << next);
    wal += msg.substr(25);
    next = at + (msg.size() - 25);
  }
  PGresult* res = PQgetResult(conn_);
  const ExecStatusType st = PQresultStatus(res);
  PQclear(res);
  REQUIRE_MESSAGE(st == PGRES_COPY_IN, "after the server's CopyDone: " << PQresStatus(st));
  return wal;
}

std::vector<ReplResult> ReplClient::end_copy() {
  REQUIRE(PQputCopyEnd(conn_, nullptr) == 1);
  REQUIRE(PQflush(conn_) == 0);
  return collect();
}

}  // namespace pmemu::integration
