#include "pmctl/event_pattern.h"

#include <cctype>

namespace pmemu::pmctl {
namespace {

void skip_blanks(std::string_view s, std::size_t* i) {
  while (*i < s.size() && std::isspace(static_cast<unsigned char>(s[*i]))) ++*i;
}

void put_utf8(std::string* out, unsigned cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A JSON string starting at s[*i] == '"'; advances past the closing quote.
bool read_string(std::string_view s, std::size_t* i, std::string* out) {
  ++*i;
  while (*i < s.size()) {
    char c = s[(*i)++];
    if (c == '"') return true;
    if (c != '\\') { out->push_back(c); continue; }
    if (*i >= s.size()) return false;
    char e = s[(*i)++];
    switch (e) {
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case 'r': out->push_back('\r'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'u': {
        if (*i + 4 > s.size()) return false;
        unsigned cp = 0;
        for (int k = 0; k < 4; ++k) {
          char h = s[(*i)++];
          if (!std::isxdigit(static_cast<unsigned char>(h))) return false;
          cp = cp * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
        }
        put_utf8(out, cp);
        break;
      }
      default: out->push_back(e); break;  // \" \\ \/
    }
  }
  return false;
}

}  // namespace

const std::string* EventLine::get(std::string_view name) const {
  for (auto& f : fields)
    if (f.first == name) return &f.second;
  return nullptr;
}

std::optional<EventLine> parse_event_line(std::string_view s, long line_no) {
  EventLine e;
  e.line_no = line_no;
  e.raw = std::string(s);
  std::size_t i = 0;
  skip_blanks(s, &i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  skip_blanks(s, &i);
  if (i < s.size() && s[i] == '}') return e;
  for (;;) {
    skip_blanks(s, &i);
    std::string key, value;
    if (i >= s.size() || s[i] != '"' || !read_string(s, &i, &key)) return std::nullopt;
    skip_blanks(s, &i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    skip_blanks(s, &i);
    if (i >= s.size()) return std::nullopt;
    if (s[i] == '"') {
      if (!read_string(s, &i, &value)) return std::nullopt;
    } else {
      std::size_t b = i;
      while (i < s.size() && s[i] != ',' && s[i] != '}' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
      value = std::string(s.substr(b, i - b));
      if (value.empty() || value[0] == '{' || value[0] == '[') return std::nullopt;  // flat objects only
    }
    e.fields.emplace_back(std::move(key), std::move(value));
    skip_blanks(s, &i);
    if (i >= s.size()) return std::nullopt;
    if (s[i] == '}') return e;
    if (s[i] != ',') return std::nullopt;
    ++i;
  }
}

bool split_words(std::string_view text, std::vector<std::string>* out) {
  std::size_t i = 0;
  for (;;) {
    skip_blanks(text, &i);
    if (i >= text.size()) return true;
    std::string word;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) {
      char c = text[i];
      if (c == '\'' || c == '"') {
        std::size_t close = text.find(c, i + 1);
        if (close == std::string_view::npos) return false;
        word.append(text.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        word.push_back(c);
        ++i;
      }
    }
    out->push_back(std::move(word));
  }
}

bool EventPattern::matches(const EventLine& e) const {
  const std::string* name = e.get("ev");
  if (!name || *name != ev) return false;
  for (auto& [field, value] : filters) {
    const std::string* v = e.get(field);
    if (!v || *v != value) return false;
  }
  return true;
}

std::string EventPattern::text() const {
  std::string s = ev;
  for (auto& [field, value] : filters) {
    s += " " + field + "=";
    s += value.find(' ') == std::string::npos ? value : "'" + value + "'";
  }
  return s;
}

std::optional<EventPattern> parse_pattern(const std::vector<std::string>& words, std::string* error) {
  if (words.empty()) {
    *error = "an event pattern needs an event name";
    return std::nullopt;
  }
  EventPattern p;
  p.ev = words[0];
  if (p.ev.find('=') != std::string::npos) {
    *error = "an event pattern begins with an event name, not \"" + p.ev + "\"";
    return std::nullopt;
  }
  for (std::size_t i = 1; i < words.size(); ++i) {
    auto eq = words[i].find('=');
    if (eq == std::string::npos || eq == 0) {
      *error = "expected field=value in the event pattern, found \"" + words[i] + "\"";
      return std::nullopt;
    }
    p.filters.emplace_back(words[i].substr(0, eq), words[i].substr(eq + 1));
  }
  return p;
}

std::optional<EventPattern> parse_pattern_argv(const std::vector<std::string>& argv, std::string* error) {
  std::vector<std::string> words;
  for (auto& a : argv) {
    const bool blank = a.find_first_of(" \t") != std::string::npos;
    const bool quoted = a.find_first_of("'\"") != std::string::npos;
    if (blank && !quoted && a.find('=') != std::string::npos) {
      words.push_back(a);
    } else if (!split_words(a, &words)) {
      *error = "unterminated quote in \"" + a + "\"";
      return std::nullopt;
    }
  }
  return parse_pattern(words, error);
}

std::vector<EventLine> parse_event_text(std::string_view text, long since) {
  std::vector<EventLine> out;
  long no = 0;
  std::size_t start = 0;
  for (;;) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) break;
    ++no;
    if (no >= since)
      if (auto e = parse_event_line(text.substr(start, nl - start), no)) out.push_back(std::move(*e));
    start = nl + 1;
  }
  return out;
}

}  // namespace pmemu::pmctl
