// Reading events.jsonl lines (SPEC 10.1) and matching them against EVENT
// patterns (SPEC 10.2): an `ev` name followed by field=value filters, where
// a value with spaces is single- or double-quoted (`fork child_type='client
// backend'`). Pure: no files, so tests/unit/pmctl checks every rule.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pmemu::pmctl {

// One line of events.jsonl: a flat JSON object. Values are kept as text:
// strings unescaped, numbers and true/false/null as written.
struct EventLine {
  long line_no = 0;  // 1-based line of the file
  std::string raw;   // the line without its newline
  std::vector<std::pair<std::string, std::string>> fields;

  [[nodiscard]] const std::string* get(std::string_view name) const;
};

// Parses one line; nullopt if it is not a flat JSON object.
[[nodiscard]] std::optional<EventLine> parse_event_line(std::string_view text, long line_no);

// Splits text into words on blanks, honouring '...' and "..." quoting
// (quotes removed; `a='b c'` is one word `a=b c`). false on an unclosed quote.
[[nodiscard]] bool split_words(std::string_view text, std::vector<std::string>* out);

struct EventPattern {
  std::string ev;
  std::vector<std::pair<std::string, std::string>> filters;  // field, value

  [[nodiscard]] bool matches(const EventLine& e) const;
  [[nodiscard]] std::string text() const;  // as a person would type it back
};

// From words already split (by split_words or by the shell): the first is
// the event name, each further one must be field=value. Error text on failure.
[[nodiscard]] std::optional<EventPattern> parse_pattern(const std::vector<std::string>& words, std::string* error);

// From the command line of `pmctl wait`: each argv word is taken whole when
// it contains a blank without a quote (`child_type=client backend`, as the
// shell passes a quoted value), and split with split_words otherwise.
[[nodiscard]] std::optional<EventPattern> parse_pattern_argv(const std::vector<std::string>& argv, std::string* error);

// The whole lines of a file's text (a last line without its newline is not
// written completely yet and is left out), numbered from 1, parsed;
// lines before `since` are skipped. Lines that do not parse are skipped.
[[nodiscard]] std::vector<EventLine> parse_event_text(std::string_view text, long since);

}  // namespace pmemu::pmctl
