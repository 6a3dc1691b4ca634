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
  kIdent,        // unquoted; value is lower-cased
  kQuotedIdent,  // "..."; value unescaped, case kept
  kString,       // '...'; value unescaped
  kNumber,       // 123, 1.5, 1e3; value is the source text
  kLsn,          // X/X (replication mode only); value is the source text
  kSymbol,       // one of ( ) , ; = * . + - and other single operator characters, or "::"
  kEnd,          // end of input; raw is empty
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string value;
  std::string_view raw;  // exact source text, for "at or near" messages
  std::size_t offset = 0;

  [[nodiscard]] bool is_keyword(std::string_view lower) const {
    return kind == TokenKind::kIdent && value == lower;
  }
  [[nodiscard]] bool is_symbol(std::string_view s) const {
    return kind == TokenKind::kSymbol && value == s;
  }
};

// In kReplication mode "hex/hex" is one kLsn token (PostgreSQL's repl_scanner
// RECPTR), since 1/D0000000 would otherwise split into a number and a name.
enum class LexMode { kSql, kReplication };

// Tokens of `input`, always ending with one kEnd token. The views in
// Token::raw point into `input`, which must outlive them.
[[nodiscard]] Result<std::vector<Token>> tokenize(std::string_view input, LexMode mode = LexMode::kSql);

}  // namespace pmemu::protocol
