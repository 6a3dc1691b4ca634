// The role statements of a session (CREATE/ALTER/DROP ROLE and their USER
// spellings), parsed from one statement's tokens for sql.cpp's parser.
// Internal to protocol/sql.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "protocol/sql.h"
#include "protocol/sql_lexer.h"

namespace pmemu::protocol::sql {

// True when the tokens start CREATE|ALTER|DROP ROLE|USER (but not USER MAPPING).
[[nodiscard]] bool is_role_statement(std::span<const Token> tokens);

// Exactly one field is set: the statement, a syntax error (42601: the whole
// Query is refused), or a rejection of this statement alone (0A000 for
// options we do not implement).
struct RoleParse {
  std::optional<Statement> statement;
  std::optional<PgError> syntax;
  std::optional<PgError> rejected;
};
[[nodiscard]] RoleParse parse_role_statement(std::span<const Token> tokens, std::string_view text);

}  // namespace pmemu::protocol::sql
