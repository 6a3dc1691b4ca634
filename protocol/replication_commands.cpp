#include "protocol/replication_commands.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "protocol/frontend.h"
#include "protocol/sql_lexer.h"

namespace pmemu::protocol::repl {

std::optional<std::optional<std::string>> BaseBackup::option(std::string_view name) const {
  for (auto it = options.rbegin(); it != options.rend(); ++it)
    if (it->name == name) return it->value;
  return std::nullopt;
}

std::optional<PgError> validate_slot_name(std::string_view name) {
  std::string quoted = "\"" + std::string(name) + "\"";
  if (name.empty())
    return PgError::error(sqlstate::kInvalidName, "replication slot name " + quoted + " is too short");
  if (name.size() >= 64)
    return PgError::error(sqlstate::kNameTooLong, "replication slot name " + quoted + " is too long");
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return PgError::error(sqlstate::kInvalidName,
                            "replication slot name " + quoted + " contains invalid character")
          .with_hint("Replication slot names may only contain lower case letters, numbers, and "
                     "the underscore character.");
  }
  return std::nullopt;
}

namespace {

constexpr std::array<std::string_view, 8> kCommandWords = {
    "identify_system", "show", "timeline_history", "start_replication", "create_replication_slot",
    "drop_replication_slot", "read_replication_slot", "base_backup"};

// Like sql.cpp's parser but with PostgreSQL's replication grammar, whose
// only syntax message is bison's "syntax error".
class ReplParser {
 public:
  explicit ReplParser(const std::vector<Token>& toks) : toks_(toks) {}

  Result<Command> parse();

 private:
  const Token& peek(std::size_t k = 0) const {
    return toks_[std::min(pos_ + k, toks_.size() - 1)];
  }
  bool at_end() const { return peek().kind == TokenKind::End; }
  void advance() {
    if (!at_end()) ++pos_;
  }
  bool accept_keyword(std::string_view kw) {
    if (!peek().is_keyword(kw)) return false;
    advance();
    return true;
  }
  bool accept_symbol(std::string_view s) {
    if (!peek().is_symbol(s)) return false;
    advance();
    return true;
  }
  static PgError syntax() { return PgError::error(sqlstate::kSyntaxError, "syntax error"); }

  std::optional<std::string> ident() {
    const Token& t = peek();
    if (t.kind != TokenKind::Ident && t.kind != TokenKind::QuotedIdent) return std::nullopt;
    advance();
    return t.value;
  }
  std::optional<std::uint32_t> uconst() {
    const Token& t = peek();
    std::uint32_t v = 0;
    if (t.kind != TokenKind::Number) return std::nullopt;
    auto [p, ec] = std::from_chars(t.value.data(), t.value.data() + t.value.size(), v);
    if (ec != std::errc{} || p != t.value.data() + t.value.size()) return std::nullopt;
    advance();
    return v;
  }
  // The command is complete: only an optional ';' may follow.
  Result<Command> done(Command c) {
    accept_symbol(";");
    if (!at_end()) return syntax();
    return c;
  }

  Result<Command> show();
  Result<Command> timeline_history();
  Result<Command> start_replication();
  Result<Command> create_slot();
  Result<Command> drop_slot();
  Result<Command> read_slot();
  Result<Command> base_backup();
  std::optional<std::vector<Option>> generic_options();  // after '('
  std::optional<Option> generic_option();

  const std::vector<Token>& toks_;
  std::size_t pos_ = 0;
};

Result<Command> ReplParser::parse() {
  if (at_end() || (peek().is_symbol(";") && peek(1).kind == TokenKind::End)) return Empty{};
  const Token& first = peek();
  bool is_command = first.kind == TokenKind::Ident &&
                    std::find(kCommandWords.begin(), kCommandWords.end(), first.value) != kCommandWords.end();
  if (!is_command)
    return PgError::error(sqlstate::kFeatureNotSupported,
                          "cannot execute SQL commands in WAL sender for physical replication");
  std::string word = first.value;
  advance();
  if (word == "identify_system") return done(IdentifySystem{});
  if (word == "show") return show();
  if (word == "timeline_history") return timeline_history();
  if (word == "start_replication") return start_replication();
  if (word == "create_replication_slot") return create_slot();
  if (word == "drop_replication_slot") return drop_slot();
  if (word == "read_replication_slot") return read_slot();
  return base_backup();
}

Result<Command> ReplParser::show() {
  auto name = ident();
  if (!name) return syntax();
  while (accept_symbol(".")) {
    auto part = ident();
    if (!part) return syntax();
    *name += "." + *part;
  }
  return done(Show{*name});
}

Result<Command> ReplParser::timeline_history() {
  auto tli = uconst();
  if (!tli) return syntax();
  if (*tli == 0) return PgError::error(sqlstate::kSyntaxError, "invalid timeline 0");
  return done(TimelineHistory{TimeLineId{*tli}});
}

Result<Command> ReplParser::start_replication() {
  StartReplication s;
  if (accept_keyword("slot")) {
    s.slot = ident();
    if (!s.slot) return syntax();
  }
  if (peek().is_keyword("logical"))
    return PgError::error(sqlstate::kFeatureNotSupported, "logical replication is not supported");
  accept_keyword("physical");
  if (peek().kind != TokenKind::Lsn) return syntax();
  auto lsn = Lsn::parse(peek().value);
  if (!lsn) return syntax();  // more than 8 hex digits in a half
  s.start = *lsn;
  advance();
  if (accept_keyword("timeline")) {
    auto tli = uconst();
    if (!tli) return syntax();
    if (*tli == 0) return PgError::error(sqlstate::kSyntaxError, "invalid timeline 0");
    s.timeline = TimeLineId{*tli};
  }
  return done(std::move(s));
}

Result<Command> ReplParser::create_slot() {
  CreateReplicationSlot c;
  auto slot = ident();
  if (!slot) return syntax();
  c.slot = *slot;
  c.temporary = accept_keyword("temporary");
  if (peek().is_keyword("logical"))
    return PgError::error(sqlstate::kFeatureNotSupported, "logical replication is not supported");
  if (!accept_keyword("physical")) return syntax();
  std::vector<Option> opts;
  if (accept_symbol("(")) {
    auto list = generic_options();
    if (!list) return syntax();
    opts = std::move(*list);
  } else {
    // Legacy words; only RESERVE_WAL means anything for a physical slot.
    while (peek().kind == TokenKind::Ident) {
      const std::string& w = peek().value;
      if (w == "reserve_wal") opts.push_back({"reserve_wal", std::nullopt});
      else if (w == "export_snapshot" || w == "noexport_snapshot" || w == "use_snapshot") opts.push_back({"snapshot", w});
      else if (w == "two_phase") opts.push_back({"two_phase", std::nullopt});
      else break;
      advance();
    }
  }
  for (const auto& o : opts) {
    if (o.name == "reserve_wal") {
      auto b = o.value ? parse_pg_bool(*o.value) : std::optional<bool>(true);
      if (!b)
        return PgError::error(sqlstate::kSyntaxError, "reserve_wal requires a Boolean value");
      c.reserve_wal = *b;
    } else if (o.name != "two_phase" && o.name != "snapshot") {
      return PgError::error(sqlstate::kInternalError, "unrecognized option: " + o.name);
    }
  }
  return done(std::move(c));
}

Result<Command> ReplParser::drop_slot() {
  auto slot = ident();
  if (!slot) return syntax();
  bool wait = accept_keyword("wait");
  return done(DropReplicationSlot{*slot, wait});
}

Result<Command> ReplParser::read_slot() {
  auto slot = ident();
  if (!slot) return syntax();
  return done(ReadReplicationSlot{*slot});
}

Result<Command> ReplParser::base_backup() {
  BaseBackup b;
  if (accept_symbol("(")) {
    auto list = generic_options();
    if (!list) return syntax();
    b.options = std::move(*list);
    return done(std::move(b));
  }
  // PostgreSQL 15 still reads the pre-15 form and maps it onto the generic one.
  for (;;) {
    const Token& t = peek();
    if (t.kind != TokenKind::Ident) break;
    std::string w = t.value;
    advance();
    auto string_arg = [&]() -> std::optional<std::string> {
      if (peek().kind != TokenKind::String) return std::nullopt;
      std::string v = peek().value;
      advance();
      return v;
    };
    if (w == "label" || w == "manifest" || w == "manifest_checksums") {
      auto v = string_arg();
      if (!v) return syntax();
      b.options.push_back({w, v});
    } else if (w == "max_rate") {
      auto v = uconst();
      if (!v) return syntax();
      b.options.push_back({w, std::to_string(*v)});
    } else if (w == "progress" || w == "wal" || w == "tablespace_map") {
      b.options.push_back({w, std::nullopt});
    } else if (w == "fast") {
      b.options.push_back({"checkpoint", "fast"});
    } else if (w == "nowait") {
      b.options.push_back({"wait", "false"});
    } else if (w == "noverify_checksums") {
      b.options.push_back({"verify_checksums", "false"});
    } else {
      return syntax();
    }
  }
  return done(std::move(b));
}

std::optional<std::vector<Option>> ReplParser::generic_options() {
  std::vector<Option> out;
  do {
    auto o = generic_option();
    if (!o) return std::nullopt;
    out.push_back(std::move(*o));
  } while (accept_symbol(","));
  if (!accept_symbol(")")) return std::nullopt;
  return out;
}

std::optional<Option> ReplParser::generic_option() {
  if (peek().kind != TokenKind::Ident) return std::nullopt;
  Option o{peek().value, std::nullopt};
  advance();
  const Token& v = peek();
  if (v.kind == TokenKind::String || v.kind == TokenKind::Ident || v.kind == TokenKind::Number) {
    o.value = v.value;
    advance();
  } else if (v.is_symbol("-") && peek(1).kind == TokenKind::Number) {
    o.value = "-" + peek(1).value;
    pos_ += 2;
  }
  return o;
}

}  // namespace

Result<Command> parse_replication_command(std::string_view query) {
  auto lexed = tokenize(query, LexMode::Replication);
  if (auto* err = std::get_if<PgError>(&lexed)) return std::move(*err);
  return ReplParser(std::get<std::vector<Token>>(lexed)).parse();
}

}  // namespace pmemu::protocol::repl
