// An error or notice as the client sees it: PostgreSQL's ErrorResponse /
// NoticeResponse fields. Protocol parsers return these instead of logging, so
// the process that owns the socket decides whether to send, log, or both.
//
// Messages and SQLSTATEs are PostgreSQL 15's wording (SPEC section 5 and the
// reference notes); clients and tests match on them, so change neither
// without checking PostgreSQL first.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "common/sqlstate.h"

namespace pmemu::protocol {

enum class Severity { kError, kFatal, kPanic, kWarning, kNotice, kDebug, kInfo, kLog };

// "ERROR", "FATAL", ...: the non-localised V field.
[[nodiscard]] std::string_view severity_name(Severity severity);

// The SQLSTATE codes: common/sqlstate.h (pmemu::sqlstate), here as protocol::sqlstate too.
namespace sqlstate = pmemu::sqlstate;

struct PgError {
  Severity severity = Severity::kError;
  std::string sqlstate;  // always 5 characters
  std::string message;   // M: always present
  std::string detail;    // D: sent only when non-empty
  std::string hint;      // H: sent only when non-empty

  [[nodiscard]] static PgError error(std::string_view code, std::string message);
  [[nodiscard]] static PgError fatal(std::string_view code, std::string message);

  // Builders for the optional fields: PgError::error(..).with_detail("...").
  [[nodiscard]] PgError with_detail(std::string text) &&;
  [[nodiscard]] PgError with_hint(std::string text) &&;
  [[nodiscard]] PgError as(Severity s) &&;

  // --- statements (SPEC 6) ---
  // 42601 `syntax error at or near "tok"`; `token` is the raw source text.
  [[nodiscard]] static PgError syntax_error_at(std::string_view token);
  // 42601 `syntax error at end of input`.
  [[nodiscard]] static PgError syntax_error_at_end();
  // 0A000 `statement not supported: <statement text>`.
  [[nodiscard]] static PgError statement_not_supported(std::string_view statement);
  // 0A000 for Parse/Bind/Execute/... messages.
  [[nodiscard]] static PgError extended_query_not_supported();
  // 42P01 `relation "x" does not exist`.
  [[nodiscard]] static PgError undefined_table(std::string_view name);
  // 42703 `column "c" of relation "r" does not exist` (INSERT/UPDATE targets).
  [[nodiscard]] static PgError undefined_column_of(std::string_view column, std::string_view relation);
  // 42703 `column "c" does not exist` (expressions).
  [[nodiscard]] static PgError undefined_column(std::string_view column);
  // 42704 `unrecognized configuration parameter "x"`.
  [[nodiscard]] static PgError unrecognized_parameter(std::string_view name);
  // 23505 duplicate key, with PostgreSQL's detail `Key (k)=(x) already exists.`
  [[nodiscard]] static PgError unique_violation(std::string_view key);
  // 25006 `cannot execute <WHAT> in a read-only transaction` (WHAT: INSERT, ...).
  [[nodiscard]] static PgError read_only_transaction(std::string_view what);
  // 54000 for an over-long key or value; `what` names it, e.g. "key".
  [[nodiscard]] static PgError value_too_long(std::string_view what, std::size_t size, std::size_t limit);
  // 53100 the table is full; names the setting to raise.
  [[nodiscard]] static PgError table_full(std::string_view setting);
  // 57014 `canceling statement due to user request`.
  [[nodiscard]] static PgError query_canceled();

  // --- connections (SPEC 5) ---
  [[nodiscard]] static PgError protocol_violation(std::string message);  // FATAL 08P01
  [[nodiscard]] static PgError starting_up();                             // FATAL 57P03
  [[nodiscard]] static PgError shutting_down();                           // FATAL 57P03
  [[nodiscard]] static PgError not_yet_accepting();                       // FATAL 57P03 + detail
  [[nodiscard]] static PgError not_accepting_hot_standby_off();           // FATAL 57P03 + detail
  [[nodiscard]] static PgError in_recovery_mode();                        // FATAL 57P03
  [[nodiscard]] static PgError too_many_clients();                        // FATAL 53300
  [[nodiscard]] static PgError too_many_wal_senders(int max_wal_senders); // FATAL 53300
  // FATAL 28000, PostgreSQL 15's two forms:
  //   no pg_hba.conf entry for host "h", user "u", database "d", no encryption
  //   no pg_hba.conf entry for replication connection from host "h", user "u", no encryption
  // `host` is the client address, or "[local]" for a Unix-socket connection.
  [[nodiscard]] static PgError no_hba_entry(std::string_view host, std::string_view user,
                                            std::string_view database, bool replication);
  [[nodiscard]] static PgError password_failed(std::string_view user);  // FATAL 28P01
  [[nodiscard]] static PgError role_does_not_exist(std::string_view user);  // FATAL 28000
  [[nodiscard]] static PgError admin_shutdown();   // FATAL 57P01
  [[nodiscard]] static PgError postmaster_died();  // FATAL 57P01 "... due to unexpected postmaster exit"
  [[nodiscard]] static PgError idle_session_timeout();  // FATAL 57P05
  // The WARNINGs a process sends as it quits on SIGQUIT (PostgreSQL's quickdie):
  [[nodiscard]] static PgError crash_shutdown();      // 57P02: another process crashed
  [[nodiscard]] static PgError immediate_shutdown();  // 57P01: an immediate stop
  [[nodiscard]] static PgError unexpected_sigquit();  // 57P01: a SIGQUIT without a reason in shared memory
};

// What every fallible protocol parser returns: the value, or the error to
// send. Test with std::get_if<PgError>(&r).
template <typename T>
using Result = std::variant<T, PgError>;

}  // namespace pmemu::protocol
