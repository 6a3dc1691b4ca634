#include "protocol/sql_lexer.h"

#include <cctype>
#include <optional>

namespace pmemu::protocol {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
// Bytes >= 0x80 are letters, so UTF-8 identifiers lex as PostgreSQL's do.
bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c) || c == '$'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Lexer {
 public:
  Lexer(std::string_view in, LexMode mode) : in_(in), mode_(mode) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> out;
    for (;;) {
      if (auto err = skip_blanks()) return std::move(*err);
      if (pos_ >= in_.size()) break;
      auto tok = next();
      if (auto* err = std::get_if<PgError>(&tok)) return std::move(*err);
      out.push_back(std::move(std::get<Token>(tok)));
    }
    out.push_back(Token{TokenKind::End, {}, in_.substr(in_.size()), in_.size()});
    return out;
  }

 private:
  // Unterminated tokens run to the end of the input, as in PostgreSQL's
  // message; `len` narrows it for complete but invalid tokens.
  PgError error_here(std::string_view what, std::size_t start,
                     std::size_t len = std::string_view::npos) const {
    return PgError::error(sqlstate::kSyntaxError, std::string(what) + " at or near \"" +
                                                      std::string(in_.substr(start, len)) + "\"");
  }

  std::optional<PgError> skip_blanks() {
    while (pos_ < in_.size()) {
      if (is_space(in_[pos_])) {
        ++pos_;
      } else if (in_.substr(pos_, 2) == "--") {
        while (pos_ < in_.size() && in_[pos_] != '\n') ++pos_;
      } else if (in_.substr(pos_, 2) == "/*") {
        std::size_t start = pos_;
        int depth = 0;
        do {
          if (pos_ + 1 >= in_.size()) return error_here("unterminated /* comment", start);
          if (in_.substr(pos_, 2) == "/*") {
            ++depth;
            pos_ += 2;
          } else if (in_.substr(pos_, 2) == "*/") {
            --depth;
            pos_ += 2;
          } else {
            ++pos_;
          }
        } while (depth > 0);
      } else {
        break;
      }
    }
    return std::nullopt;
  }

  Token make(TokenKind kind, std::string value, std::size_t start) const {
    return Token{kind, std::move(value), in_.substr(start, pos_ - start), start};
  }

  // A quoted run ending at an unescaped `q`; a doubled `q` is one character.
  std::optional<std::string> quoted(char q) {
    std::string value;
    ++pos_;
    while (pos_ < in_.size()) {
      if (in_[pos_] == q) {
        if (pos_ + 1 < in_.size() && in_[pos_ + 1] == q) {
          value.push_back(q);
          pos_ += 2;
          continue;
        }
        ++pos_;
        return value;
      }
      value.push_back(in_[pos_++]);
    }
    return std::nullopt;
  }

  std::size_t lsn_length() const {
    std::size_t i = pos_;
    while (i < in_.size() && is_hex(in_[i])) ++i;
    if (i == pos_ || i >= in_.size() || in_[i] != '/') return 0;
    std::size_t j = i + 1;
    while (j < in_.size() && is_hex(in_[j])) ++j;
    return j == i + 1 ? 0 : j - pos_;
  }

  Result<Token> next() {
    std::size_t start = pos_;
    char c = in_[pos_];
    if (mode_ == LexMode::Replication) {
      if (std::size_t n = lsn_length()) {
        pos_ += n;
        return make(TokenKind::Lsn, std::string(in_.substr(start, n)), start);
      }
    }
    if (c == '\'') {
      auto v = quoted('\'');
      if (!v) return error_here("unterminated quoted string", start);
      return make(TokenKind::String, std::move(*v), start);
    }
    if (c == '"') {
      auto v = quoted('"');
      if (!v) return error_here("unterminated quoted identifier", start);
      if (v->empty()) return error_here("zero-length delimited identifier", start, pos_ - start);
      return make(TokenKind::QuotedIdent, std::move(*v), start);
    }
    if (is_digit(c) || (c == '.' && pos_ + 1 < in_.size() && is_digit(in_[pos_ + 1]))) {
      lex_number();
      return make(TokenKind::Number, std::string(in_.substr(start, pos_ - start)), start);
    }
    if (is_ident_start(c)) {
      while (pos_ < in_.size() && is_ident_char(in_[pos_])) ++pos_;
      return make(TokenKind::Ident, lower(in_.substr(start, pos_ - start)), start);
    }
    if (in_.substr(pos_, 2) == "::") {
      pos_ += 2;
      return make(TokenKind::Symbol, "::", start);
    }
    ++pos_;
    return make(TokenKind::Symbol, std::string(1, c), start);
  }

  void lex_number() {
    while (pos_ < in_.size() && is_digit(in_[pos_])) ++pos_;
    if (pos_ < in_.size() && in_[pos_] == '.' && in_.substr(pos_, 2) != "..") {
      ++pos_;
      while (pos_ < in_.size() && is_digit(in_[pos_])) ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      std::size_t save = pos_++;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (pos_ < in_.size() && is_digit(in_[pos_])) {
        while (pos_ < in_.size() && is_digit(in_[pos_])) ++pos_;
      } else {
        pos_ = save;  // "1e" is the number 1 followed by the name e
      }
    }
  }

  std::string_view in_;
  LexMode mode_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view input, LexMode mode) {
  return Lexer(input, mode).run();
}

}  // namespace pmemu::protocol
