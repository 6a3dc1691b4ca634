#include "config/conf_file.h"

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/parsers.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pmemu::config {
namespace {

namespace po = boost::program_options;

// Stands in for '#' inside quoted values while Program_options reads the
// text, because it cuts every line at the first '#'.
constexpr char kHashStandIn = '\x01';

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || c == '.' || c == '-';
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

struct LineScan {
  bool blank = true;
  std::string name;
  std::string raw_value;  // still quoted, '#' replaced by kHashStandIn
  std::string error;      // PostgreSQL's "syntax error" wording
};

std::string syntax_error(const std::string& file, int line, std::string_view near) {
  std::string msg = "syntax error in file \"" + file + "\" line " + std::to_string(line);
  if (near.empty()) return msg + ", near end of line";
  return msg + ", near token \"" + std::string(near) + "\"";
}

std::string_view token_at(std::string_view s, std::size_t i) {
  std::size_t end = i;
  while (end < s.size() && !is_space(s[end])) ++end;
  return s.substr(i, end - i);
}

// One line in PostgreSQL's guc-file.l grammar: name [=] value [# comment].
LineScan scan_line(std::string_view s, const std::string& file, int line_no) {
  LineScan out;
  std::size_t i = 0;
  auto skip = [&] { while (i < s.size() && is_space(s[i])) ++i; };
  skip();
  if (i == s.size() || s[i] == '#') return out;
  out.blank = false;
  if (!is_name_start(s[i])) { out.error = syntax_error(file, line_no, token_at(s, i)); return out; }
  std::size_t start = i;
  while (i < s.size() && is_name_char(s[i])) ++i;
  out.name = std::string(s.substr(start, i - start));
  skip();
  if (i < s.size() && s[i] == '=') { ++i; skip(); }
  if (i == s.size() || s[i] == '#') { out.error = syntax_error(file, line_no, {}); return out; }
  if (s[i] == '\'') {
    out.raw_value += s[i++];
    bool closed = false;
    while (i < s.size() && !closed) {
      char c = s[i++];
      if (c == '\\' && i < s.size()) { out.raw_value += c; out.raw_value += s[i++]; continue; }
      if (c == '\'' && i < s.size() && s[i] == '\'') { out.raw_value += "''"; ++i; continue; }
      if (c == '\'') closed = true;
      out.raw_value += (c == '#') ? kHashStandIn : c;
    }
    if (!closed) { out.error = syntax_error(file, line_no, {}); return out; }
  } else {
    while (i < s.size() && !is_space(s[i]) && s[i] != '#' && s[i] != '\'') out.raw_value += s[i++];
  }
  skip();
  if (i < s.size() && s[i] != '#') out.error = syntax_error(file, line_no, token_at(s, i));
  return out;
}

// GUC_scanstr: strips the quotes and resolves escapes; bare values pass through.
std::string unquote(std::string_view raw) {
  std::string v;
  for (char c : raw) v += (c == kHashStandIn) ? '#' : c;
  if (v.size() < 2 || v.front() != '\'') return v;
  std::string_view body(v.data() + 1, v.size() - 2);
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\'' && i + 1 < body.size() && body[i + 1] == '\'') { out += '\''; ++i; continue; }
    if (c != '\\' || i + 1 == body.size()) { out += c; continue; }
    char e = body[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      default: out += e; break;
    }
  }
  return out;
}

}  // namespace

ConfFileResult parse_conf_text(std::string_view text, const std::string& file_name) {
  ConfFileResult result;
  std::string normalized;
  std::vector<int> lines;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    ++line_no;
    LineScan scan = scan_line(line, file_name, line_no);
    if (!scan.error.empty()) { result.error = scan.error; return result; }
    if (!scan.blank) {
      if (scan.name == "include" || scan.name == "include_if_exists" || scan.name == "include_dir") {
        result.error = "include directives are not supported (file \"" + file_name + "\" line " +
                       std::to_string(line_no) + ")";
        return result;
      }
      normalized += scan.name + " = " + scan.raw_value + "\n";
      lines.push_back(line_no);
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  std::istringstream in(normalized);
  po::options_description none;
  po::parsed_options parsed(&none);
  try {
    parsed = po::parse_config_file(in, none, /*allow_unregistered=*/true);
  } catch (const po::error& e) {
    result.error = "could not parse configuration file \"" + file_name + "\": " + e.what();
    return result;
  }
  if (parsed.options.size() != lines.size()) {
    result.error = "could not parse configuration file \"" + file_name + "\": unexpected entry count";
    return result;
  }
  for (std::size_t k = 0; k < parsed.options.size(); ++k) {
    const auto& opt = parsed.options[k];
    std::string raw = opt.value.empty() ? std::string() : opt.value.front();
    result.entries.push_back(ConfEntry{opt.string_key, unquote(raw), file_name, lines[k]});
  }
  return result;
}

ConfFileResult read_conf_file(const std::filesystem::path& path, bool missing_ok) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int err = errno;
    if (missing_ok && err == ENOENT) return {};
    ConfFileResult r;
    r.error = "could not open configuration file \"" + path.string() + "\": " + std::strerror(err);
    return r;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_conf_text(buf.str(), path.string());
}

std::string quote_conf_value(std::string_view text) {
  bool bare = !text.empty();
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') bare = false;
  }
  if (bare) return std::string(text);
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    if (c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace pmemu::config
