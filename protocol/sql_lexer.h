// Tokens of a Query string, shared by the SQL parser (sql.h) and the
// replication-command parser (replication_commands.h). Follows PostgreSQL's
// scan.l where it matters to clients: unquoted identifiers fold to lower
// case, "quoted" ones keep case with "" as an escaped quote, 'strings' use ''
// (standard_conforming_strings = on, so backslash is an ordinary character),
// -- and nested /* */ comments are whitespace, and lexical errors read
// "unterminated quoted string at or near ..." as PostgreSQL's do.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/pg_error.h"

namespace pmemu::protocol {

enum class TokenKind {
  Ident,        // unquoted; value is lower-cased
  QuotedIdent,  // "..."; value unescaped, case kept
  String,       // '...'; value unescaped
  Number,       // 123, 1.5, 1e3; value is the source text
  Lsn,          // X/X (replication mode only); value is the source text
  Symbol,       // one of ( ) , ; = * . + - and other single operator characters, or "::"
  End,          // end of input; raw is empty
};

struct Token {
  TokenKind kind = TokenKind::End;
  std::string value;
  std::string_view raw;  // exact source text, for "at or near" messages
  std::size_t offset = 0;

  [[nodiscard]] bool is_keyword(std::string_view lower) const {
    return kind == TokenKind::Ident && value == lower;
  }
  [[nodiscard]] bool is_symbol(std::string_view s) const {
    return kind == TokenKind::Symbol && value == s;
  }
};

// In kReplication mode "hex/hex" is one kLsn token (PostgreSQL's repl_scanner
// RECPTR), since 1/D0000000 would otherwise split into a number and a name.
enum class LexMode { Sql, Replication };

// Tokens of `input`, always ending with one kEnd token. The views in
// Token::raw point into `input`, which must outlive them.
[[nodiscard]] Result<std::vector<Token>> tokenize(std::string_view input, LexMode mode = LexMode::Sql);

}  // namespace pmemu::protocol
