#include "protocol/sql_role.h"

#include <algorithm>
#include <array>

namespace pmemu::protocol::sql {
namespace {

// Role options PostgreSQL has and pmemu does not keep.
constexpr std::array<std::string_view, 17> kUnsupportedOptions = {
    "createdb", "nocreatedb", "createrole", "nocreaterole", "inherit", "noinherit", "bypassrls",
    "nobypassrls", "connection", "valid", "in", "role", "admin", "user", "sysid", "createuser", "nocreateuser"};

// Words that cannot name a role without quotes (reserved in PostgreSQL's grammar).
constexpr std::array<std::string_view, 14> kReservedNames = {
    "all", "current_role", "current_user", "session_user", "user", "default", "null", "true", "false",
    "with", "from", "to", "select", "table"};

class RoleParser {
 public:
  RoleParser(std::span<const Token> toks, std::string_view text) : toks_(toks), text_(text) {}

  RoleParse parse() {
    const std::string verb = toks_[0].value;
    const bool is_user = toks_[1].is_keyword("user");
    pos_ = 2;
    if (verb == "drop") return drop();
    if (verb == "alter" && (peek().is_keyword("all") || peek(1).is_keyword("rename") || peek(1).is_keyword("set") ||
                            peek(1).is_keyword("reset") || peek(1).is_keyword("in")))
      return rejected(PgError::statement_not_supported(text_));
    auto name = role_name();
    if (!name) return result_;
    RoleSpec spec;
    if (!options(spec)) return result_;
    if (verb == "create") {
      if (is_user && !spec.login) spec.login = true;
      result_.statement = CreateRole{std::move(*name), spec};
    } else {
      result_.statement = AlterRole{std::move(*name), spec};
    }
    return result_;
  }

 private:
  const Token& peek(std::size_t k = 0) const {
    static const Token kEnd{};
    return pos_ + k < toks_.size() ? toks_[pos_ + k] : kEnd;
  }
  bool at_end() const { return pos_ >= toks_.size(); }

  RoleParse syntax() {
    result_.syntax = at_end() ? PgError::syntax_error_at_end() : PgError::syntax_error_at(peek().raw);
    return result_;
  }
  RoleParse rejected(PgError e) {
    result_.rejected = std::move(e);
    return result_;
  }

  std::optional<std::string> role_name() {
    const Token& t = peek();
    const bool reserved = t.kind == TokenKind::Ident &&
                          std::find(kReservedNames.begin(), kReservedNames.end(), t.value) != kReservedNames.end();
    if (t.kind == TokenKind::QuotedIdent || (t.kind == TokenKind::Ident && !reserved)) {
      ++pos_;
      return t.value;
    }
    syntax();
    return std::nullopt;
  }

  // Sets `field` once; a second mention is PostgreSQL's 42601.
  template <typename T>
  bool set_once(std::optional<T>& field, T value) {
    if (field) {
      result_.syntax = PgError::error(sqlstate::kSyntaxError, "conflicting or redundant options");
      return false;
    }
    field = std::move(value);
    return true;
  }

  bool options(RoleSpec& spec) {
    if (peek().is_keyword("with")) ++pos_;
    while (!at_end()) {
      const Token& t = peek();
      if (t.kind != TokenKind::Ident) return (syntax(), false);
      const std::string w = t.value;
      ++pos_;
      bool ok = true;
      if (w == "superuser" || w == "nosuperuser") ok = set_once(spec.superuser, w == "superuser");
      else if (w == "login" || w == "nologin") ok = set_once(spec.login, w == "login");
      else if (w == "replication" || w == "noreplication") ok = set_once(spec.replication, w == "replication");
      else if (w == "encrypted" || w == "password") {
        if (w == "encrypted" && !peek().is_keyword("password")) return (syntax(), false);
        if (w == "encrypted") ++pos_;
        if (peek().kind == TokenKind::String) ok = set_once(spec.password, std::optional<std::string>(peek().value));
        else if (peek().is_keyword("null") && w == "password") ok = set_once(spec.password, std::optional<std::string>());
        else return (syntax(), false);
        ++pos_;
      } else if (std::find(kUnsupportedOptions.begin(), kUnsupportedOptions.end(), w) != kUnsupportedOptions.end()) {
        rejected(PgError::statement_not_supported(text_));
        return false;
      } else {
        result_.syntax = PgError::error(sqlstate::kSyntaxError, "unrecognized role option \"" + w + "\"");
        return false;
      }
      if (!ok) return false;
    }
    return true;
  }

  RoleParse drop() {
    DropRole d;
    if (peek().is_keyword("if")) {
      ++pos_;
      if (!peek().is_keyword("exists")) return syntax();
      ++pos_;
      d.if_exists = true;
    }
    for (;;) {
      auto name = role_name();
      if (!name) return result_;
      d.names.push_back(std::move(*name));
      if (!peek().is_symbol(",")) break;
      ++pos_;
    }
    if (!at_end()) return syntax();
    result_.statement = std::move(d);
    return result_;
  }

  std::span<const Token> toks_;
  std::string_view text_;
  std::size_t pos_ = 0;
  RoleParse result_;
};

}  // namespace

bool is_role_statement(std::span<const Token> t) {
  if (t.size() < 2 || !(t[0].is_keyword("create") || t[0].is_keyword("alter") || t[0].is_keyword("drop")))
    return false;
  if (t[1].is_keyword("role")) return true;
  return t[1].is_keyword("user") && !(t.size() > 2 && t[2].is_keyword("mapping"));
}

RoleParse parse_role_statement(std::span<const Token> tokens, std::string_view text) {
  return RoleParser(tokens, text).parse();
}

}  // namespace pmemu::protocol::sql
