#include "protocol/pg_error.h"

#include <utility>

namespace pmemu::protocol {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::kError: return "ERROR";
    case Severity::kFatal: return "FATAL";
    case Severity::kPanic: return "PANIC";
    case Severity::kWarning: return "WARNING";
    case Severity::kNotice: return "NOTICE";
    case Severity::kDebug: return "DEBUG";
    case Severity::kInfo: return "INFO";
    case Severity::kLog: return "LOG";
  }
  return "ERROR";
}

PgError PgError::error(std::string_view code, std::string message) {
  return PgError{Severity::kError, std::string(code), std::move(message), {}, {}};
}

PgError PgError::fatal(std::string_view code, std::string message) {
  return PgError{Severity::kFatal, std::string(code), std::move(message), {}, {}};
}

PgError PgError::with_detail(std::string text) && {
  detail = std::move(text);
  return std::move(*this);
}

PgError PgError::with_hint(std::string text) && {
  hint = std::move(text);
  return std::move(*this);
}

PgError PgError::as(Severity s) && {
  severity = s;
  return std::move(*this);
}

namespace {
std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }
}  // namespace

PgError PgError::syntax_error_at(std::string_view token) {
  return error(sqlstate::kSyntaxError, "syntax error at or near " + quoted(token));
}

PgError PgError::syntax_error_at_end() {
  return error(sqlstate::kSyntaxError, "syntax error at end of input");
}

PgError PgError::statement_not_supported(std::string_view statement) {
  return error(sqlstate::kFeatureNotSupported,
               "statement not supported: " + std::string(statement));
}

PgError PgError::extended_query_not_supported() {
  return error(sqlstate::kFeatureNotSupported, "extended query protocol is not supported")
      .with_hint("Use the simple query protocol (for pgbench: --protocol=simple).");
}

PgError PgError::undefined_table(std::string_view name) {
  return error(sqlstate::kUndefinedTable, "relation " + quoted(name) + " does not exist");
}

PgError PgError::undefined_column_of(std::string_view column, std::string_view relation) {
  return error(sqlstate::kUndefinedColumn,
               "column " + quoted(column) + " of relation " + quoted(relation) + " does not exist");
}

PgError PgError::undefined_column(std::string_view column) {
  return error(sqlstate::kUndefinedColumn, "column " + quoted(column) + " does not exist");
}

PgError PgError::unrecognized_parameter(std::string_view name) {
  return error(sqlstate::kUndefinedObject,
               "unrecognized configuration parameter " + quoted(name));
}

PgError PgError::unique_violation(std::string_view key) {
  return error(sqlstate::kUniqueViolation,
               "duplicate key value violates unique constraint \"kv_pkey\"")
      .with_detail("Key (k)=(" + std::string(key) + ") already exists.");
}

PgError PgError::read_only_transaction(std::string_view what) {
  return error(sqlstate::kReadOnlySqlTransaction,
               "cannot execute " + std::string(what) + " in a read-only transaction");
}

PgError PgError::value_too_long(std::string_view what, std::size_t size, std::size_t limit) {
  return error(sqlstate::kProgramLimitExceeded,
               std::string(what) + " size " + std::to_string(size) + " exceeds maximum " +
                   std::to_string(limit));
}

PgError PgError::table_full(std::string_view setting) {
  return error(sqlstate::kDiskFull, "could not insert into table \"kv\": table is full")
      .with_hint("Increase " + std::string(setting) + " and restart the server.");
}

PgError PgError::query_canceled() {
  return error(sqlstate::kQueryCanceled, "canceling statement due to user request");
}

PgError PgError::protocol_violation(std::string message) {
  return fatal(sqlstate::kProtocolViolation, std::move(message));
}

PgError PgError::starting_up() {
  return fatal(sqlstate::kCannotConnectNow, "the database system is starting up");
}

PgError PgError::shutting_down() {
  return fatal(sqlstate::kCannotConnectNow, "the database system is shutting down");
}

PgError PgError::not_yet_accepting() {
  return fatal(sqlstate::kCannotConnectNow, "the database system is not yet accepting connections")
      .with_detail("Consistent recovery state has not been yet reached.");
}

PgError PgError::not_accepting_hot_standby_off() {
  return fatal(sqlstate::kCannotConnectNow, "the database system is not accepting connections")
      .with_detail("Hot standby mode is disabled.");
}

PgError PgError::in_recovery_mode() {
  return fatal(sqlstate::kCannotConnectNow, "the database system is in recovery mode");
}

PgError PgError::too_many_clients() {
  return fatal(sqlstate::kTooManyConnections, "sorry, too many clients already");
}

PgError PgError::too_many_wal_senders(int max_wal_senders) {
  return fatal(sqlstate::kTooManyConnections,
               "number of requested standby connections exceeds max_wal_senders (currently " +
                   std::to_string(max_wal_senders) + ")");
}

PgError PgError::no_hba_entry(std::string_view host, std::string_view user,
                              std::string_view database, bool replication) {
  std::string m = replication
                      ? "no pg_hba.conf entry for replication connection from host " + quoted(host) +
                            ", user " + quoted(user) + ", no encryption"
                      : "no pg_hba.conf entry for host " + quoted(host) + ", user " + quoted(user) +
                            ", database " + quoted(database) + ", no encryption";
  return fatal(sqlstate::kInvalidAuthorizationSpecification, std::move(m));
}

PgError PgError::password_failed(std::string_view user) {
  return fatal(sqlstate::kInvalidPassword,
               "password authentication failed for user " + quoted(user));
}

PgError PgError::role_does_not_exist(std::string_view user) {
  return fatal(sqlstate::kInvalidAuthorizationSpecification,
               "role " + quoted(user) + " does not exist");
}

PgError PgError::admin_shutdown() {
  return fatal(sqlstate::kAdminShutdown, "terminating connection due to administrator command");
}

PgError PgError::postmaster_died() {
  return fatal(sqlstate::kAdminShutdown, "terminating connection due to unexpected postmaster exit");
}

PgError PgError::idle_session_timeout() {
  return fatal(sqlstate::kIdleSessionTimeout, "terminating connection due to idle-session timeout");
}

PgError PgError::immediate_shutdown() {
  return error(sqlstate::kAdminShutdown, "terminating connection due to immediate shutdown command")
      .as(Severity::kWarning);
}

PgError PgError::unexpected_sigquit() {
  return error(sqlstate::kAdminShutdown, "terminating connection because of unexpected SIGQUIT signal")
      .as(Severity::kWarning);
}

// PostgreSQL's quickdie() reports this as a WARNING (the process is about to
// _exit, so it cannot go through the FATAL path); clients show exactly that.
PgError PgError::crash_shutdown() {
  return error(sqlstate::kCrashShutdown,
               "terminating connection because of crash of another server process")
      .as(Severity::kWarning)
      .with_detail(
          "The postmaster has commanded this server process to roll back the current "
          "transaction and exit, because another server process exited abnormally and "
          "possibly corrupted shared memory.")
      .with_hint("In a moment you should be able to reconnect to the database and repeat "
                 "your command.");
}

}  // namespace pmemu::protocol
