#include "protocol/sql.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <span>

#include "protocol/sql_lexer.h"
#include "protocol/sql_role.h"

namespace pmemu::protocol::sql {

std::string_view function_name(Function f) {
  switch (f) {
    case Function::PgCurrentWalLsn: return "pg_current_wal_lsn";
    case Function::PgCurrentWalFlushLsn: return "pg_current_wal_flush_lsn";
    case Function::PgLastWalReceiveLsn: return "pg_last_wal_receive_lsn";
    case Function::PgLastWalReplayLsn: return "pg_last_wal_replay_lsn";
    case Function::PgIsInRecovery: return "pg_is_in_recovery";
    case Function::PgBackendPid: return "pg_backend_pid";
    case Function::PgSwitchWal: return "pg_switch_wal";
    case Function::PgSleep: return "pg_sleep";
    case Function::Version: return "version";
  }
  return "?";
}

std::string_view view_name(StatView v) {
  switch (v) {
    case StatView::PgStatReplication: return "pg_stat_replication";
    case StatView::PgStatWalReceiver: return "pg_stat_wal_receiver";
    case StatView::PgStatActivity: return "pg_stat_activity";
    case StatView::PgStatImessage: return "pg_stat_imessage";
    case StatView::PgFaultPoints: return "pg_fault_points";
  }
  return "?";
}

namespace {

constexpr Function kAllFunctions[] = {
    Function::PgCurrentWalLsn, Function::PgCurrentWalFlushLsn, Function::PgLastWalReceiveLsn,
    Function::PgLastWalReplayLsn, Function::PgIsInRecovery, Function::PgBackendPid,
    Function::PgSwitchWal, Function::PgSleep, Function::Version};
constexpr StatView kAllViews[] = {StatView::PgStatReplication, StatView::PgStatWalReceiver,
                                  StatView::PgStatActivity, StatView::PgStatImessage, StatView::PgFaultPoints};

std::optional<Function> find_function(std::string_view name) {
  for (auto f : kAllFunctions)
    if (function_name(f) == name) return f;
  return std::nullopt;
}

std::optional<StatView> find_view(std::string_view name) {
  for (auto v : kAllViews)
    if (view_name(v) == name) return v;
  return std::nullopt;
}

template <std::size_t N>
bool one_of(std::string_view word, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

// PostgreSQL reserved words that cannot stand where a name or a value is
// required; meeting one there is a syntax error, not an unsupported feature.
constexpr std::array<std::string_view, 49> kReserved = {
    "all", "and", "any", "as", "asc", "by", "case", "check", "column", "constraint",
    "create", "default", "desc", "distinct", "do", "else", "end", "except", "false", "fetch",
    "for", "from", "grant", "group", "having", "in", "into", "intersect", "limit", "not",
    "null", "offset", "on", "only", "or", "order", "primary", "references", "returning",
    "select", "table", "then", "to", "true", "union", "unique", "using", "values", "where"};
// Reserved words that begin a valid expression we do not evaluate.
constexpr std::array<std::string_view, 9> kExpressionStarters = {
    "null", "true", "false", "default", "case", "not", "cast", "array", "exists"};
// First words of valid statements that pmemu does not implement.
constexpr std::array<std::string_view, 40> kUnsupportedCommands = {
    "alter", "analyze", "analyse", "call", "close", "cluster", "comment", "copy", "create",
    "deallocate", "declare", "discard", "do", "drop", "execute", "explain", "fetch", "grant",
    "import", "listen", "load", "lock", "merge", "move", "notify", "prepare", "reassign",
    "refresh", "reindex", "release", "reset", "revoke", "savepoint", "security", "table",
    "truncate", "unlisten", "vacuum", "values", "with"};

// Parses one statement (its tokens, without ';'). On failure exactly one of
// syntax_ (abort the whole Query) or rejected_ (refuse this statement) is set.
class StatementParser {
 public:
  StatementParser(std::span<const Token> tokens, std::string_view text)
      : toks_(tokens), text_(text) {
    end_.kind = TokenKind::End;
  }

  std::optional<Statement> parse();
  std::optional<PgError>& syntax_error() { return syntax_; }
  std::optional<PgError>& rejection() { return rejected_; }

 private:
  // ---- token access
  const Token& peek(std::size_t k = 0) const { return pos_ + k < toks_.size() ? toks_[pos_ + k] : end_; }
  bool at_end() const { return pos_ >= toks_.size(); }
  void advance() { ++pos_; }
  bool accept_keyword(std::string_view kw) {
    if (!peek().is_keyword(kw)) return false;
    advance();
    return true;
  }
  bool accept_symbol(std::string_view s) {
    if (!peek().is_symbol(s)) return false;
    advance();
    return true;
  }

  // ---- failures; each returns nullopt so callers can `return syntax();`
  std::nullopt_t syntax() {
    syntax_ = at_end() ? PgError::syntax_error_at_end() : PgError::syntax_error_at(peek().raw);
    return std::nullopt;
  }
  std::nullopt_t unsupported() {
    rejected_ = PgError::statement_not_supported(text_);
    return std::nullopt;
  }
  std::nullopt_t reject(PgError e) {
    rejected_ = std::move(e);
    return std::nullopt;
  }
  // SQL needs more here: running out is a syntax error, anything else is
  // taken as a construct we do not implement.
  std::nullopt_t incomplete() { return at_end() ? syntax() : unsupported(); }
  bool expect_keyword(std::string_view kw) {
    if (accept_keyword(kw)) return true;
    syntax();
    return false;
  }
  bool expect_symbol(std::string_view s) {
    if (accept_symbol(s)) return true;
    syntax();
    return false;
  }
  std::optional<Statement> finish(Statement s) {
    if (!at_end()) return unsupported();
    return s;
  }

  std::optional<std::string> name();
  std::optional<std::string> relation();
  std::optional<Literal> literal();
  std::optional<std::string> where_k_equals();
  bool column_is_v(const std::string& col);

  std::optional<Statement> select();
  std::optional<Statement> select_function();
  std::optional<Statement> select_rows_tail();
  std::optional<Statement> select_fallback();
  std::optional<Statement> insert();
  std::optional<Statement> insert_on_conflict(Insert ins);
  std::optional<Statement> update();
  std::optional<Statement> delete_();
  std::optional<Statement> show();
  std::optional<Statement> set();
  std::optional<Statement> transaction(Statement s, bool allow_transaction_word);

  std::span<const Token> toks_;
  std::string_view text_;
  Token end_;
  std::size_t pos_ = 0;
  std::optional<PgError> syntax_;
  std::optional<PgError> rejected_;
};

std::optional<std::string> StatementParser::name() {
  const Token& t = peek();
  if (t.kind == TokenKind::QuotedIdent || (t.kind == TokenKind::Ident && !one_of(t.value, kReserved))) {
    advance();
    return t.value;
  }
  return syntax();
}

// [schema.]name; "public." and "pg_catalog." are the schemas our one table
// and our views live in, so they are dropped.
std::optional<std::string> StatementParser::relation() {
  auto first = name();
  if (!first) return std::nullopt;
  if (!accept_symbol(".")) return first;
  auto second = name();
  if (!second) return std::nullopt;
  if (*first == "public" || *first == "pg_catalog") return second;
  return *first + "." + *second;
}

std::optional<Literal> StatementParser::literal() {
  const Token& t = peek();
  auto number_kind = [](std::string_view s) {
    return s.find_first_not_of("0123456789") == std::string_view::npos ? Literal::Kind::Integer
                                                                        : Literal::Kind::Numeric;
  };
  if (t.kind == TokenKind::String) {
    advance();
    return Literal{Literal::Kind::String, t.value};
  }
  if (t.kind == TokenKind::Number) {
    advance();
    return Literal{number_kind(t.value), t.value};
  }
  if ((t.is_symbol("-") || t.is_symbol("+")) && peek(1).kind == TokenKind::Number) {
    std::string sign = t.value == "-" ? "-" : "";
    advance();
    const Token& n = peek();
    advance();
    return Literal{number_kind(n.value), sign + n.value};
  }
  if (at_end() || t.is_symbol(")") || t.is_symbol(",") || t.is_symbol("=")) return syntax();
  if (t.kind == TokenKind::Ident && one_of(t.value, kReserved) && !one_of(t.value, kExpressionStarters))
    return syntax();
  return unsupported();
}

// `WHERE` already consumed: `k = <literal>`.
std::optional<std::string> StatementParser::where_k_equals() {
  auto col = name();
  if (!col) return std::nullopt;
  if (*col != "k") {
    if (*col == "v") return unsupported();
    return reject(PgError::undefined_column(*col));
  }
  if (!accept_symbol("=")) return incomplete();
  auto lit = literal();
  if (!lit) return std::nullopt;
  return lit->text;
}

// The target of `SET col = ...` in UPDATE / ON CONFLICT: only v may change.
bool StatementParser::column_is_v(const std::string& col) {
  if (col == "v") return true;
  if (col == "k") unsupported();
  else reject(PgError::undefined_column_of(col, "kv"));
  return false;
}

std::optional<Statement> StatementParser::parse() {
  const Token& first = peek();
  if (first.kind != TokenKind::Ident) {
    if (first.is_symbol("(")) return unsupported();
    return syntax();
  }
  const std::string& w = first.value;
  if (is_role_statement(toks_)) {
    RoleParse r = parse_role_statement(toks_, text_);
    syntax_ = std::move(r.syntax);
    rejected_ = std::move(r.rejected);
    return std::move(r.statement);
  }
  if (w == "select") return select();
  if (w == "insert") return insert();
  if (w == "update") return update();
  if (w == "delete") return delete_();
  if (w == "show") return show();
  if (w == "set") return set();
  if (w == "checkpoint") {
    advance();
    if (!at_end()) return syntax();
    return Checkpoint{};
  }
  if (w == "begin") return transaction(Begin{}, true);
  if (w == "start") {
    advance();
    if (!expect_keyword("transaction")) return std::nullopt;
    --pos_;  // transaction() skips the first word
    return transaction(Begin{}, false);
  }
  if (w == "commit" || w == "end") return transaction(Commit{}, true);
  if (w == "rollback" || w == "abort") return transaction(Rollback{}, true);
  if (one_of(w, kUnsupportedCommands)) return unsupported();
  return syntax();
}

std::optional<Statement> StatementParser::transaction(Statement s, bool allow_transaction_word) {
  advance();
  if (allow_transaction_word && !accept_keyword("work")) accept_keyword("transaction");
  // Isolation levels, AND CHAIN, TO SAVEPOINT, PREPARED: valid, not offered.
  return finish(std::move(s));
}

// ---------------------------------------------------------------- SELECT

std::optional<Statement> StatementParser::select() {
  advance();
  if (accept_symbol("*")) {
    if (!accept_keyword("from")) return incomplete();
    auto rel = relation();
    if (!rel) return std::nullopt;
    if (*rel == "kv") return select_rows_tail();
    if (auto view = find_view(*rel)) return finish(SelectView{*view});
    return reject(PgError::undefined_table(*rel));
  }
  if (peek().kind == TokenKind::Ident && peek(1).is_symbol("(")) return select_function();
  const Token& t = peek();
  bool literal_start = t.kind == TokenKind::String || t.kind == TokenKind::Number ||
                       ((t.is_symbol("-") || t.is_symbol("+")) && peek(1).kind == TokenKind::Number);
  if (literal_start) {
    std::size_t save = pos_;
    auto lit = literal();
    if (lit && at_end()) return SelectConst{*lit};
    pos_ = save;
    return select_fallback();
  }
  if (t.is_keyword("v") && peek(1).is_keyword("from")) {
    pos_ += 2;
    auto rel = relation();
    if (!rel) return std::nullopt;
    if (*rel != "kv") return reject(PgError::undefined_table(*rel));
    if (!accept_keyword("where")) return unsupported();
    auto k = where_k_equals();
    if (!k) return std::nullopt;
    return finish(SelectValue{*k});
  }
  if (t.is_keyword("k") && peek(1).is_symbol(",") && peek(2).is_keyword("v") &&
      peek(3).is_keyword("from")) {
    pos_ += 4;
    auto rel = relation();
    if (!rel) return std::nullopt;
    if (*rel != "kv") return reject(PgError::undefined_table(*rel));
    return select_rows_tail();
  }
  return select_fallback();
}

std::optional<Statement> StatementParser::select_rows_tail() {
  SelectRows rows;
  if (accept_keyword("order")) {
    if (!expect_keyword("by")) return std::nullopt;
    auto col = name();
    if (!col) return std::nullopt;
    if (*col != "k") return *col == "v" ? unsupported() : reject(PgError::undefined_column(*col));
    accept_keyword("asc");
    rows.order_by_k = true;
  }
  if (accept_keyword("limit")) {
    if (!accept_keyword("all")) {
      const Token& n = peek();
      if (n.kind != TokenKind::Number) return incomplete();
      std::int64_t limit = 0;
      auto [p, ec] = std::from_chars(n.value.data(), n.value.data() + n.value.size(), limit);
      if (ec != std::errc{} || p != n.value.data() + n.value.size()) return unsupported();
      advance();
      rows.limit = limit;
    }
  }
  return finish(rows);
}

std::optional<Statement> StatementParser::select_function() {
  std::string fname = peek().value;
  pos_ += 2;  // name (
  if (fname == "count") {
    if (!accept_symbol("*") || !accept_symbol(")")) return select_fallback();
    if (!accept_keyword("from")) return unsupported();
    auto rel = relation();
    if (!rel) return std::nullopt;
    if (*rel != "kv") return reject(PgError::undefined_table(*rel));
    return finish(SelectCount{});
  }
  auto f = find_function(fname);
  if (!f) return select_fallback();
  SelectFunction call{*f, std::nullopt};
  if (*f == Function::PgSleep) {
    auto arg = literal();
    if (!arg) return std::nullopt;
    call.argument = *arg;
  }
  if (!accept_symbol(")")) return incomplete();
  if (!at_end()) return select_fallback();
  return call;
}

// A SELECT we do not implement. PostgreSQL resolves FROM before anything
// else, so a missing table is reported as such (pgbench's
// `select count(*) from pgbench_branches` gets 42P01, as from an empty
// PostgreSQL); otherwise 0A000.
std::optional<Statement> StatementParser::select_fallback() {
  int depth = 0;
  for (std::size_t i = 0; i < toks_.size(); ++i) {
    const Token& t = toks_[i];
    if (t.is_symbol("(")) ++depth;
    if (t.is_symbol(")")) --depth;
    if (depth != 0 || !t.is_keyword("from")) continue;
    pos_ = i + 1;
    auto rel = relation();
    if (!rel) {
      // Not a plain name (a subquery, a function...): unsupported rather than
      // a syntax error we cannot be sure of.
      syntax_.reset();
      return unsupported();
    }
    if (*rel != "kv" && !find_view(*rel)) return reject(PgError::undefined_table(*rel));
    break;
  }
  return unsupported();
}

// ---------------------------------------------------------------- INSERT

std::optional<Statement> StatementParser::insert() {
  advance();
  if (!expect_keyword("into")) return std::nullopt;
  auto rel = relation();
  if (!rel) return std::nullopt;
  if (*rel != "kv") return reject(PgError::undefined_table(*rel));

  std::vector<std::string> cols;
  if (accept_symbol("(")) {
    do {
      auto c = name();
      if (!c) return std::nullopt;
      if (*c != "k" && *c != "v") return reject(PgError::undefined_column_of(*c, "kv"));
      if (std::find(cols.begin(), cols.end(), *c) != cols.end())
        return reject(PgError::error(sqlstate::kDuplicateColumn, "column \"" + *c + "\" specified more than once"));
      cols.push_back(*c);
    } while (accept_symbol(","));
    if (!expect_symbol(")")) return std::nullopt;
  }
  if (peek().is_keyword("select") || peek().is_keyword("default")) return unsupported();
  if (!expect_keyword("values") || !expect_symbol("(")) return std::nullopt;

  std::vector<std::string> vals;
  for (;;) {
    auto lit = literal();
    if (!lit) return std::nullopt;
    vals.push_back(lit->text);
    if (accept_symbol(",")) continue;
    if (accept_symbol(")")) break;
    const Token& t = peek();
    if (at_end() || t.kind == TokenKind::String || t.kind == TokenKind::Number ||
        t.kind == TokenKind::Ident || t.kind == TokenKind::QuotedIdent)
      return syntax();
    return unsupported();  // an operator: an expression we do not evaluate
  }
  if (peek().is_symbol(",")) return unsupported();  // several rows

  bool explicit_cols = !cols.empty();
  if (!explicit_cols) cols = {"k", "v"};
  if (vals.size() > cols.size())
    return reject(PgError::error(sqlstate::kSyntaxError, "INSERT has more expressions than target columns"));
  if (vals.size() < cols.size()) {
    if (explicit_cols)
      return reject(PgError::error(sqlstate::kSyntaxError, "INSERT has more target columns than expressions"));
    return unsupported();  // v defaults to NULL
  }
  if (cols.size() < 2) return unsupported();
  Insert ins;
  ins.k = cols[0] == "k" ? vals[0] : vals[1];
  ins.v = cols[0] == "k" ? vals[1] : vals[0];
  if (!accept_keyword("on")) return finish(std::move(ins));
  return insert_on_conflict(std::move(ins));
}

// After ON: CONFLICT [(k)] DO NOTHING | CONFLICT (k) DO UPDATE SET v = EXCLUDED.v
std::optional<Statement> StatementParser::insert_on_conflict(Insert ins) {
  if (!expect_keyword("conflict")) return std::nullopt;
  bool has_target = false;
  if (accept_symbol("(")) {
    auto target = name();
    if (!target) return std::nullopt;
    if (!expect_symbol(")")) return std::nullopt;
    if (*target != "k")
      return reject(PgError::error(sqlstate::kInvalidColumnReference,
                                   "there is no unique or exclusion constraint matching the ON "
                                   "CONFLICT specification"));
    has_target = true;
  } else if (peek().is_keyword("on")) {
    return unsupported();  // ON CONSTRAINT name
  }
  if (!expect_keyword("do")) return std::nullopt;
  if (accept_keyword("nothing")) {
    ins.on_conflict = OnConflict::Nothing;
    return finish(std::move(ins));
  }
  if (!accept_keyword("update")) return syntax();
  if (!has_target)
    return reject(PgError::error(sqlstate::kSyntaxError,
                                 "ON CONFLICT DO UPDATE requires inference specification or constraint name")
                      .with_hint("For example, ON CONFLICT (column_name)."));
  if (!expect_keyword("set")) return std::nullopt;
  auto col = name();
  if (!col) return std::nullopt;
  if (!column_is_v(*col)) return std::nullopt;
  if (!expect_symbol("=")) return std::nullopt;
  if (!(peek().is_keyword("excluded") && peek(1).is_symbol(".") && peek(2).is_keyword("v")))
    return incomplete();
  pos_ += 3;
  ins.on_conflict = OnConflict::Update;
  return finish(std::move(ins));
}

// ---------------------------------------------------------------- UPDATE / DELETE

std::optional<Statement> StatementParser::update() {
  advance();
  auto rel = relation();
  if (!rel) return std::nullopt;
  if (*rel != "kv") return reject(PgError::undefined_table(*rel));
  if (!expect_keyword("set")) return std::nullopt;
  auto col = name();
  if (!col) return std::nullopt;
  if (!column_is_v(*col)) return std::nullopt;
  if (!expect_symbol("=")) return std::nullopt;
  auto v = literal();
  if (!v) return std::nullopt;
  if (!accept_keyword("where")) return unsupported();
  auto k = where_k_equals();
  if (!k) return std::nullopt;
  return finish(Update{*k, v->text});
}

std::optional<Statement> StatementParser::delete_() {
  advance();
  if (!expect_keyword("from")) return std::nullopt;
  auto rel = relation();
  if (!rel) return std::nullopt;
  if (*rel != "kv") return reject(PgError::undefined_table(*rel));
  if (!accept_keyword("where")) return unsupported();
  auto k = where_k_equals();
  if (!k) return std::nullopt;
  return finish(Delete{*k});
}

// ---------------------------------------------------------------- SHOW / SET

std::optional<Statement> StatementParser::show() {
  advance();
  Show s;
  if (accept_keyword("all")) {
    s.name = "all";
  } else if (accept_keyword("time")) {
    if (!expect_keyword("zone")) return std::nullopt;
    s.name = "timezone";
  } else {
    auto n = name();
    if (!n) return std::nullopt;
    s.name = *n;
    while (accept_symbol(".")) {
      auto part = name();
      if (!part) return std::nullopt;
      s.name += "." + *part;
    }
  }
  if (!at_end()) return syntax();
  return s;
}

std::optional<Statement> StatementParser::set() {
  advance();
  Set s;
  if (accept_keyword("local")) s.local = true;
  else accept_keyword("session");
  if (peek().is_keyword("transaction") || peek().is_keyword("role") ||
      peek().is_keyword("characteristics") || peek().is_keyword("authorization"))
    return unsupported();
  if (accept_keyword("time")) {
    if (!expect_keyword("zone")) return std::nullopt;
    s.name = "timezone";
  } else {
    auto n = name();
    if (!n) return std::nullopt;
    s.name = *n;
    while (accept_symbol(".")) {
      auto part = name();
      if (!part) return std::nullopt;
      s.name += "." + *part;
    }
    if (!accept_symbol("=") && !expect_keyword("to")) return std::nullopt;
  }
  std::string value;
  for (bool first = true;; first = false) {
    const Token& t = peek();
    if (first && t.is_keyword("default")) {
      advance();
      if (!at_end()) return syntax();
      return s;  // value stays nullopt
    }
    std::string part;
    if (t.kind == TokenKind::String || t.kind == TokenKind::Ident || t.kind == TokenKind::QuotedIdent) {
      part = t.value;
      advance();
    } else if (t.kind == TokenKind::Number || t.is_symbol("-") || t.is_symbol("+")) {
      auto lit = literal();
      if (!lit) return std::nullopt;
      part = lit->text;
    } else {
      return syntax();
    }
    value += (first ? "" : ", ") + part;
    if (!accept_symbol(",")) break;
  }
  if (!at_end()) return syntax();
  s.value = std::move(value);
  return s;
}

}  // namespace

Result<std::vector<ParsedStatement>> parse_query(std::string_view query) {
  auto lexed = tokenize(query);
  if (auto* err = std::get_if<PgError>(&lexed)) return std::move(*err);
  const auto& tokens = std::get<std::vector<Token>>(lexed);

  std::vector<ParsedStatement> out;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (!(t.kind == TokenKind::End || t.is_symbol(";"))) continue;
    if (i > begin) {
      std::span<const Token> stmt_tokens(tokens.data() + begin, i - begin);
      const Token& last = tokens[i - 1];
      std::string_view text =
          query.substr(stmt_tokens.front().offset, last.offset + last.raw.size() - stmt_tokens.front().offset);
      StatementParser p(stmt_tokens, text);
      auto st = p.parse();
      if (p.syntax_error()) return std::move(*p.syntax_error());
      if (!st) {
        PgError why = std::move(*p.rejection());
        // SPEC 6: anything but the kv statements is 42601 or 0A000 with the
        // statement's text; PostgreSQL's own reason stays as the detail.
        if (why.sqlstate == sqlstate::kUndefinedTable)
          why = PgError::statement_not_supported(text).with_detail(why.message + "; the only table is kv.");
        st = Rejected{std::move(why)};
      }
      out.push_back(ParsedStatement{std::move(*st), std::string(text)});
    }
    begin = i + 1;
  }
  return out;
}

}  // namespace pmemu::protocol::sql
