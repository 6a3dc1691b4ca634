#include "syncrep/standby_names.h"

#include <cctype>

namespace pmemu::syncrep {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Lexer {
  std::string_view s;
  std::size_t i = 0;
  void skip() {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  }
  bool at_end() {
    skip();
    return i >= s.size();
  }
  bool take(char c) {
    skip();
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  // A name: "quoted" (kept as is), * or an identifier-ish word (lower-cased).
  std::optional<std::string> name(std::string* error) {
    skip();
    if (i >= s.size()) {
      *error = "syntax error at end of input";
      return std::nullopt;
    }
    if (s[i] == '"') {
      std::string out;
      for (++i; i < s.size(); ++i) {
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            out.push_back('"');
            ++i;
            continue;
          }
          ++i;
          return out;
        }
        out.push_back(s[i]);
      }
      *error = "unterminated quoted identifier";
      return std::nullopt;
    }
    std::size_t b = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != ',' && s[i] != '(' &&
           s[i] != ')')
      ++i;
    if (b == i) {
      *error = std::string("syntax error at or near \"") + s[i] + "\"";
      return std::nullopt;
    }
    return lower(s.substr(b, i - b));
  }
  std::optional<int> number() {
    skip();
    std::size_t b = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    if (b == i || i - b > 6) {
      i = b;
      return std::nullopt;
    }
    return std::stoi(std::string(s.substr(b, i - b)));
  }
};

bool parse_list(Lexer& lx, std::vector<std::string>* names, std::string* error) {
  do {
    auto n = lx.name(error);
    if (!n) return false;
    names->push_back(*n);
  } while (lx.take(','));
  return true;
}

}  // namespace

int StandbyNames::priority_of(std::string_view application_name) const {
  const std::string app = lower(application_name);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == "*" || lower(names[i]) == app) return static_cast<int>(i) + 1;
  return 0;
}

std::optional<StandbyNames> parse_standby_names(std::string_view text, std::string* error) {
  StandbyNames out;
  Lexer lx{text};
  if (lx.at_end()) return out;
  const std::size_t save = lx.i;
  std::string word = lower(lx.name(error).value_or(""));
  lx.skip();
  const bool has_paren_after_number = [&] {
    Lexer probe = lx;
    return probe.number().has_value() && probe.take('(');
  }();
  if ((word == "first" || word == "any") && has_paren_after_number) {
    out.method = word == "any" ? SyncMethod::Quorum : SyncMethod::Priority;
    out.num_sync = *lx.number();
    (void)lx.take('(');
  } else {
    lx.i = save;
    if (auto n = lx.number(); n && lx.take('(')) {
      out.num_sync = *n;  // 'n (list)' is FIRST n
    } else {
      lx.i = save;
      out.num_sync = 1;  // a bare list is FIRST 1
      if (!parse_list(lx, &out.names, error)) return std::nullopt;
      if (!lx.at_end()) {
        *error = "syntax error in synchronous_standby_names";
        return std::nullopt;
      }
      return out;
    }
  }
  if (!parse_list(lx, &out.names, error)) return std::nullopt;
  if (!lx.take(')') || !lx.at_end()) {
    *error = "syntax error in synchronous_standby_names";
    return std::nullopt;
  }
  if (out.num_sync <= 0) {
    *error = "number of synchronous standbys (" + std::to_string(out.num_sync) + ") must be greater than zero";
    return std::nullopt;
  }
  return out;
}

}  // namespace pmemu::syncrep
