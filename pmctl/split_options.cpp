#include "pmctl/split_options.h"

namespace pmemu::pmctl {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Inside double quotes a backslash escapes only these, as in sh.
bool dquote_escapable(char c) { return c == '"' || c == '\\' || c == '$' || c == '`'; }

}  // namespace

std::variant<std::vector<std::string>, SplitError> split_options(std::string_view text) {
  std::vector<std::string> words;
  std::string cur;
  // A word exists once any character or quote pair has been seen, so "" is an
  // empty argument rather than nothing.
  bool in_word = false;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      ++i;
    } else if (c == '\'') {
      auto end = text.find('\'', i + 1);
      if (end == std::string_view::npos) return SplitError{"unterminated single quote in options"};
      cur.append(text.substr(i + 1, end - i - 1));
      in_word = true;
      i = end + 1;
    } else if (c == '"') {
      in_word = true;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < text.size() && dquote_escapable(text[i + 1])) {
          cur.push_back(text[i + 1]);
          i += 2;
        } else {
          cur.push_back(d);
          ++i;
        }
      }
      if (!closed) return SplitError{"unterminated double quote in options"};
    } else if (c == '\\') {
      if (i + 1 >= text.size()) return SplitError{"trailing backslash in options"};
      cur.push_back(text[i + 1]);
      in_word = true;
      i += 2;
    } else {
      cur.push_back(c);
      in_word = true;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

std::string quote_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out.push_back(' ');
    out.push_back('"');
    for (char c : w) {
      if (dquote_escapable(c)) out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out;
}

}  // namespace pmemu::pmctl
