#include "backend/startup_settings.h"

namespace pmemu::backend {
namespace {

using protocol::PgError;

PgError bad_option(std::string_view word) {
  return PgError::fatal(protocol::sqlstate::kSyntaxError,
                        "invalid command-line argument for server process: " + std::string(word))
      .with_hint("Try \"postgres --help\" for more information.");
}

// Blank-separated words; a backslash makes the next byte part of the word.
std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    if (ch == '\\' && i + 1 < s.size()) ch = s[++i];
    cur += ch;
    in_word = true;
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

std::optional<std::pair<std::string, std::string>> name_value(std::string_view nv) {
  auto eq = nv.find('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  std::string name(nv.substr(0, eq));
  for (auto& ch : name)
    if (ch == '-') ch = '_';  // as PostgreSQL's ParseLongOption
  return std::make_pair(std::move(name), std::string(nv.substr(eq + 1)));
}

std::optional<PgError> apply(config::Config& cfg, const std::string& name, const std::string& value) {
  if (auto err = cfg.set_session(name, value)) return PgError::fatal(err->sqlstate, err->message);
  return std::nullopt;
}

}  // namespace

std::variant<std::vector<std::pair<std::string, std::string>>, PgError> parse_startup_options(std::string_view options) {
  std::vector<std::pair<std::string, std::string>> out;
  auto words = split_words(options);
  for (std::size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    std::optional<std::pair<std::string, std::string>> nv;
    if (w == "-c" && i + 1 < words.size()) nv = name_value(words[++i]);
    else if (w.starts_with("-c") && w.size() > 2) nv = name_value(w.substr(2));
    else if (w.starts_with("--")) nv = name_value(w.substr(2));
    if (!nv) return bad_option(w);
    out.push_back(std::move(*nv));
  }
  return out;
}

std::optional<PgError> apply_startup_settings(const protocol::StartupMessage& sm, config::Config& cfg) {
  if (auto options = sm.param("options")) {
    auto parsed = parse_startup_options(*options);
    if (auto* err = std::get_if<PgError>(&parsed)) return *err;
    for (auto& [name, value] : std::get<0>(parsed))
      if (auto err = apply(cfg, name, value)) return err;
  }
  for (auto& [name, value] : sm.params) {
    if (name == "user" || name == "database" || name == "replication" || name == "options" || name.starts_with("_pq_."))
      continue;
    if (auto err = apply(cfg, name, value)) return err;
  }
  return std::nullopt;
}

}  // namespace pmemu::backend
