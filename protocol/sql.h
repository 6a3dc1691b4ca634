// The statements of a normal session (SPEC section 6), parsed from one Query
// message. Like PostgreSQL, the whole string is parsed before anything runs:
// a syntax error (42601) rejects the entire message and no statement of it
// executes. Statements that parse but cannot run here (another table: 42P01;
// valid SQL we do not implement: 0A000) come back as Rejected in their place,
// so the statements before them still run, as they would in PostgreSQL,
// where those errors arise during analysis of that statement.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/pg_error.h"

namespace pmemu::protocol::sql {

// Literal values keep their source spelling: keys are text, so the bare
// integer 12345 (pgbench's textual :var substitution) is the key "12345".
struct Literal {
  enum class Kind { Integer, Numeric, String };
  Kind kind = Kind::String;
  std::string text;
  friend bool operator==(const Literal&, const Literal&) = default;
};

enum class OnConflict { Error, Update, Nothing };

struct Insert {        // INSERT INTO kv [(k, v)] VALUES (k, v) [ON CONFLICT ...]
  std::string k;
  std::string v;
  OnConflict on_conflict = OnConflict::Error;
};
struct Update { std::string k; std::string v; };  // UPDATE kv SET v = .. WHERE k = ..
struct Delete { std::string k; };                 // DELETE FROM kv WHERE k = ..
struct SelectValue { std::string k; };            // SELECT v FROM kv WHERE k = ..
struct SelectRows {                               // SELECT k, v | * FROM kv [ORDER BY k] [LIMIT n]
  bool order_by_k = false;
  std::optional<std::int64_t> limit;              // nullopt: no LIMIT or LIMIT ALL
};
struct SelectCount {};                            // SELECT count(*) FROM kv
struct SelectConst { Literal value; };            // SELECT 1 | SELECT 'x'
struct Checkpoint {};
struct Show {                                     // SHOW name | SHOW ALL
  std::string name;                               // lower-cased unless quoted; "all" for ALL
  [[nodiscard]] bool all() const { return name == "all"; }
};

enum class Function {
  PgCurrentWalLsn,
  PgCurrentWalFlushLsn,
  PgLastWalReceiveLsn,
  PgLastWalReplayLsn,
  PgIsInRecovery,
  PgBackendPid,
  PgSwitchWal,
  PgSleep,    // one argument
  Version,
};
// The SQL name, which is also the result column's name ("pg_current_wal_lsn").
[[nodiscard]] std::string_view function_name(Function f);
struct SelectFunction {
  Function function;
  std::optional<Literal> argument;  // pg_sleep's seconds; nullopt for the others
};

enum class StatView { PgStatReplication, PgStatWalReceiver, PgStatActivity, PgStatImessage, PgFaultPoints };
[[nodiscard]] std::string_view view_name(StatView v);
struct SelectView { StatView view; };             // SELECT * FROM pg_stat_...

struct Begin {};     // BEGIN [WORK|TRANSACTION], START TRANSACTION
struct Commit {};    // COMMIT, END [WORK|TRANSACTION]
struct Rollback {};  // ROLLBACK, ABORT [WORK|TRANSACTION]
struct Set {         // SET [SESSION|LOCAL] name {=|TO} value[, ...] | SET TIME ZONE value
  std::string name;                  // lower-cased unless quoted
  std::optional<std::string> value;  // nullopt: DEFAULT; a list is joined with ", "
  bool local = false;
};
// Options of CREATE/ALTER ROLE; unset ones were not given.
struct RoleSpec {
  std::optional<bool> superuser;    // SUPERUSER | NOSUPERUSER
  std::optional<bool> login;        // LOGIN | NOLOGIN
  std::optional<bool> replication;  // REPLICATION | NOREPLICATION
  std::optional<std::optional<std::string>> password;  // [ENCRYPTED] PASSWORD 'pw' | PASSWORD NULL
};
struct CreateRole {  // CREATE ROLE|USER name [WITH] option... (USER: LOGIN unless NOLOGIN)
  std::string name;
  RoleSpec options;
};
struct AlterRole {   // ALTER ROLE|USER name [WITH] option...
  std::string name;
  RoleSpec options;
};
struct DropRole {    // DROP ROLE|USER [IF EXISTS] name [, ...]
  std::vector<std::string> names;
  bool if_exists = false;
};
// Parsed, but refused when its turn comes (0A000, 42P01, 42703, ...).
struct Rejected { PgError error; };

using Statement = std::variant<Insert, Update, Delete, SelectValue, SelectRows, SelectCount,
                               SelectConst, Checkpoint, Show, SelectFunction, SelectView, Begin,
                               Commit, Rollback, Set, CreateRole, AlterRole, DropRole, Rejected>;

struct ParsedStatement {
  Statement statement;
  std::string text;  // the statement's source, trimmed, without its ';'
};

// Splits on ';' outside quotes and comments and parses each statement; empty
// statements are dropped, so an empty vector means EmptyQueryResponse.
// Errors: 42601 `syntax error at or near "tok"` / `syntax error at end of
// input`, and the lexer's "unterminated quoted string at or near ...".
[[nodiscard]] Result<std::vector<ParsedStatement>> parse_query(std::string_view query);

}  // namespace pmemu::protocol::sql
