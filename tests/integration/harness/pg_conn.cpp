#include "tests/integration/harness/pg_conn.h"

#include <doctest.h>

#include <poll.h>

#include <regex>
#include <utility>

namespace pmemu::integration {
namespace {

void keep_notice(void* arg, const PGresult* res) {
  auto* notices = static_cast<std::vector<std::string>*>(arg);
  const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
  notices->push_back(std::string(state ? state : "?????") + ": " + PQresultErrorMessage(res));
}

}  // namespace

std::string sqlstate_in(std::string_view text) {
  static const std::regex re("(?:FATAL|ERROR|PANIC|WARNING):  ([0-9A-Z]{5}): ");
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_search(text.begin(), text.end(), m, re)) return m[1].str();
  return "";
}

std::string QueryResult::get(size_t r, size_t c) const {
  if (r < rows.size() && c < rows[r].size()) return rows[r][c];
  return "<no row " + std::to_string(r) + " col " + std::to_string(c) + ">";
}

std::string QueryResult::describe() const {
  std::string s = std::string(PQresStatus(status)) + " tag=[" + tag + "] sqlstate=[" + sqlstate + "] message=[" +
                  message + "] rows=" + std::to_string(rows.size());
  for (size_t r = 0; r < rows.size() && r < 5; ++r) {
    s += "\n  ";
    for (const auto& v : rows[r]) s += v + "|";
  }
  return s;
}

PgConn::PgConn() : notices_(std::make_unique<std::vector<std::string>>()) {}
PgConn::PgConn(PgConn&& o) noexcept
    : conn_(std::exchange(o.conn_, nullptr)),
      connect_error_(std::move(o.connect_error_)),
      last_error_(std::move(o.last_error_)),
      notices_(std::move(o.notices_)) {}
PgConn& PgConn::operator=(PgConn&& o) noexcept {
  if (this != &o) {
    close();
    conn_ = std::exchange(o.conn_, nullptr);
    connect_error_ = std::move(o.connect_error_);
    last_error_ = std::move(o.last_error_);
    notices_ = std::move(o.notices_);
  }
  return *this;
}
PgConn::~PgConn() { close(); }

void PgConn::close() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

void send_cancel(PGconn* conn) {
  PGcancel* cancel = PQgetCancel(conn);
  REQUIRE(cancel != nullptr);
  char err[256];
  const int sent = PQcancel(cancel, err, sizeof err);
  PQfreeCancel(cancel);
  REQUIRE_MESSAGE(sent == 1, "PQcancel failed: " << err);
}

PgConn PgConn::connect(const std::string& conninfo, std::chrono::milliseconds timeout) {
  PgConn c;
  c.conn_ = PQconnectStart(conninfo.c_str());
  if (!c.conn_) {
    c.connect_error_ = "PQconnectStart: out of memory";
    return c;
  }
  PQsetErrorVerbosity(c.conn_, PQERRORS_VERBOSE);
  PQsetNoticeReceiver(c.conn_, keep_notice, c.notices_.get());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (PQstatus(c.conn_) != CONNECTION_BAD && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      c.connect_error_ = "connection attempt timed out";
      c.close();
      return c;
    }
    pollfd pfd{PQsocket(c.conn_), static_cast<short>(st == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
    ::poll(&pfd, 1, static_cast<int>(left.count()));
    st = PQconnectPoll(c.conn_);
  }
  if (PQstatus(c.conn_) != CONNECTION_OK) {
    c.connect_error_ = PQerrorMessage(c.conn_);
    c.close();
  }
  return c;
}

bool PgConn::connected() const { return conn_ != nullptr; }

std::string PgConn::connect_sqlstate() const { return sqlstate_in(connect_error_); }

QueryResult PgConn::exec(std::string_view sql) { return run(sql, false); }
QueryResult PgConn::exec_extended(std::string_view sql) { return run(sql, true); }

// PQexec without its unbounded wait: a server that never answers ends the
// session after kQueryTimeout instead of hanging the test run. Keeps the
// last result, or the first error, as PQexec reports them.
PGresult* PgConn::send_and_collect(const std::string& sql, bool extended) {
  constexpr auto kQueryTimeout = std::chrono::seconds(60);
  const int sent = extended ? PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)
                            : PQsendQuery(conn_, sql.c_str());
  if (!sent) return nullptr;
  const auto deadline = std::chrono::steady_clock::now() + kQueryTimeout;
  PGresult* kept = nullptr;
  for (;;) {
    while (PQisBusy(conn_)) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        PQclear(kept);
        close();
        return nullptr;
      }
      pollfd pfd{PQsocket(conn_), POLLIN, 0};
      ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (!PQconsumeInput(conn_)) break;
    }
    PGresult* res = PQgetResult(conn_);
    if (!res) break;
    if (kept && PQresultStatus(kept) == PGRES_FATAL_ERROR) {
      PQclear(res);
    } else {
      PQclear(kept);
      kept = res;
    }
  }
  return kept;
}

QueryResult PgConn::run(std::string_view sql, bool extended) {
  QueryResult r;
  if (!conn_) {
    r.message = "not connected: " + connect_error_;
    return r;
  }
  PGresult* res = send_and_collect(std::string(sql), extended);
  if (!res) {
    r.message = conn_ ? PQerrorMessage(conn_) : "no answer within the query timeout; connection closed";
    r.sqlstate = sqlstate_in(r.message);
    last_error_ = r.message;
    return r;
  }
  r.status = PQresultStatus(res);
  r.tag = PQcmdStatus(res);
  if (!r.ok()) {
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    r.sqlstate = state ? state : sqlstate_in(PQresultErrorMessage(res));
    r.message = PQresultErrorMessage(res);
    if (r.message.empty()) r.message = PQerrorMessage(conn_);
    last_error_ = r.message;
  }
  for (int i = 0; i < PQntuples(res); ++i) {
    auto& row = r.rows.emplace_back();
    auto& nul = r.nulls.emplace_back();
    for (int j = 0; j < PQnfields(res); ++j) {
      row.emplace_back(PQgetvalue(res, i, j));
      nul.push_back(PQgetisnull(res, i, j) != 0);
    }
  }
  PQclear(res);
  return r;
}

bool PgConn::told(std::string_view substring) const {
  if (last_error_.find(substring) != std::string::npos) return true;
  for (const auto& n : *notices_) {
    if (n.find(substring) != std::string::npos) return true;
  }
  return false;
}

std::string PgConn::parameter(const std::string& name) const {
  const char* v = conn_ ? PQparameterStatus(conn_, name.c_str()) : nullptr;
  return v ? v : "";
}

int PgConn::server_pid() const { return conn_ ? PQbackendPID(conn_) : 0; }

}  // namespace pmemu::integration
