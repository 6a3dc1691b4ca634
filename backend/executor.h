// Runs the statements of SPEC section 6 against the shared table and WAL,
// writing their result messages into the client's output buffer. Errors
// come back as PgError; the session turns them into ErrorResponse and goes
// on (only FATALs end it).
#pragma once

#include <memory>
#include <optional>

#include "backend/client_io.h"
#include "protocol/pg_error.h"
#include "protocol/sql.h"
#include "wal/xlog.h"

namespace pmemu::backend {

class Executor {
 public:
  explicit Executor(ClientIo& io);
  // nullopt on success (results written to io.out()), else the error.
  [[nodiscard]] std::optional<protocol::PgError> run(const protocol::sql::ParsedStatement& st);

 private:
  wal::Xlog& xlog();
  [[nodiscard]] std::optional<protocol::PgError> commit(Lsn end);  // an error only from a fault point
  void make_visible_durable(Lsn upto);
  std::optional<protocol::PgError> check_sizes(const std::string& k, const std::string& v);
  std::optional<protocol::PgError> insert(const protocol::sql::Insert& s);
  std::optional<protocol::PgError> update(const protocol::sql::Update& s);
  std::optional<protocol::PgError> erase(const protocol::sql::Delete& s);
  std::optional<protocol::PgError> select_value(const protocol::sql::SelectValue& s);
  std::optional<protocol::PgError> select_rows(const protocol::sql::SelectRows& s);
  std::optional<protocol::PgError> select_count();
  std::optional<protocol::PgError> select_const(const protocol::sql::SelectConst& s);
  std::optional<protocol::PgError> checkpoint();
  std::optional<protocol::PgError> show(const protocol::sql::Show& s);
  std::optional<protocol::PgError> function(const protocol::sql::SelectFunction& s);
  std::optional<protocol::PgError> view(const protocol::sql::SelectView& s);
  std::optional<protocol::PgError> set(const protocol::sql::Set& s);
  std::optional<protocol::PgError> sleep(double seconds);
  // Waits up to `ms`, handling interrupts; returns 57014 if cancelled.
  std::optional<protocol::PgError> interruptible_wait(int ms);

  ClientIo& io_;
  std::unique_ptr<wal::Xlog> xlog_;
};

}  // namespace pmemu::backend
