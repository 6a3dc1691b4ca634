// Splitting the `-o "postmaster options"` string into argv words, and the
// reverse: quoting argv words into the one line `postmaster.opts` holds.
//
// pg_ctl hands -o to /bin/sh; we exec the postmaster directly, so we split the
// way a shell would for the plain cases people use: whitespace separates
// words, '...' is literal, "..." allows \" \\ \$ \` escapes, and a backslash
// outside quotes takes the next character literally. No expansion of any kind.
// quote_words() output always splits back to the same words.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pmemu::pmctl {

struct SplitError {
  std::string message;
};

[[nodiscard]] std::variant<std::vector<std::string>, SplitError> split_options(std::string_view text);

// Each word in double quotes, separated by one space: `"-D" "/data dir"`,
// PostgreSQL's postmaster.opts style.
[[nodiscard]] std::string quote_words(const std::vector<std::string>& words);

}  // namespace pmemu::pmctl
