// A libpq session for tests: one RAII connection, simple-protocol queries,
// and every error kept with its SQLSTATE.
//
// Error verbosity is set to VERBOSE before the start-up handshake, so even a
// refused connection reports "FATAL:  57P03: ..." and connect_sqlstate() can
// say which refusal it was. Messages the server sends while the session is
// idle (a FATAL before it closes the socket, a WARNING) reach libpq's notice
// receiver; they are kept in notices() in the same "SQLSTATE message" form.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pmemu::integration {

struct QueryResult {
  ExecStatusType status = PGRES_FATAL_ERROR;
  std::string sqlstate;  // empty on success
  std::string message;   // libpq's verbose error text, empty on success
  std::string tag;       // command tag: "INSERT 0 1", "SELECT 3"
  std::vector<std::vector<std::string>> rows;  // NULL reads as ""
  std::vector<std::vector<bool>> nulls;

  [[nodiscard]] bool ok() const { return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK; }
  // rows[r][c], or "<no row r col c>" so a failed lookup shows in the assertion.
  [[nodiscard]] std::string get(size_t r = 0, size_t c = 0) const;
  [[nodiscard]] std::string describe() const;
};

class PgConn {
 public:
  // Blocks until the connection is made or refused, at most `timeout`.
  static PgConn connect(const std::string& conninfo, std::chrono::milliseconds timeout = std::chrono::seconds(10));

  PgConn(PgConn&&) noexcept;
  PgConn& operator=(PgConn&&) noexcept;
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;
  ~PgConn();

  [[nodiscard]] bool connected() const;
  // Why connect() failed (libpq's text), and the SQLSTATE parsed from it.
  [[nodiscard]] const std::string& connect_error() const { return connect_error_; }
  [[nodiscard]] std::string connect_sqlstate() const;

  QueryResult exec(std::string_view sql);
  // The same through the extended protocol (Parse/Bind/Execute, no parameters).
  QueryResult exec_extended(std::string_view sql);
  // Server messages received outside a query result, "SQLSTATE: message".
  [[nodiscard]] const std::vector<std::string>& notices() const { return *notices_; }
  // Everything the session was told: notices plus the last error message.
  [[nodiscard]] bool told(std::string_view substring) const;
  [[nodiscard]] int server_pid() const;  // BackendKeyData's pid
  // A ParameterStatus value the server reported ("" if none).
  [[nodiscard]] std::string parameter(const std::string& name) const;
  void close();

 private:
  PgConn();
  QueryResult run(std::string_view sql, bool extended);
  PGresult* send_and_collect(const std::string& sql, bool extended);
  PGconn* conn_ = nullptr;
  std::string connect_error_;
  std::string last_error_;
  std::unique_ptr<std::vector<std::string>> notices_;
};

// Sends a CancelRequest for whatever `conn` is running (PQcancel); fails the
// test if it cannot be sent.
void send_cancel(PGconn* conn);

// "57P03" from "FATAL:  57P03: the database ...", or "" if none.
[[nodiscard]] std::string sqlstate_in(std::string_view text);

}  // namespace pmemu::integration
