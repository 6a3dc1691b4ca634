#include <doctest.h>

#include "pmctl/postmaster_opts.h"
#include "pmctl/split_options.h"

using namespace pmemu::pmctl;
using Words = std::vector<std::string>;

namespace {
Words words(std::string_view text) {
  auto r = split_options(text);
  REQUIRE(std::holds_alternative<Words>(r));
  return std::get<Words>(r);
}
}  // namespace

TEST_CASE("split_options splits on whitespace like a shell") {
  CHECK(words("") == Words{});
  CHECK(words("   \t ") == Words{});
  CHECK(words("-p 5433") == Words{"-p", "5433"});
  CHECK(words("  -c   port=1\t-c x=y  ") == Words{"-c", "port=1", "-c", "x=y"});
}

TEST_CASE("split_options honours quotes and backslashes") {
  CHECK(words("-c 'cluster_name=a b'") == Words{"-c", "cluster_name=a b"});
  CHECK(words("-c \"primary_conninfo=host=x port=5\"") == Words{"-c", "primary_conninfo=host=x port=5"});
  CHECK(words("a'b c'd") == Words{"ab cd"});
  CHECK(words("'a\\b'") == Words{"a\\b"});             // single quotes: backslash literal
  CHECK(words("\"a\\\"b\\\\c\\n\"") == Words{"a\"b\\c\\n"});  // \" \\ escaped, \n kept
  CHECK(words("a\\ b") == Words{"a b"});
  CHECK(words("'' x") == Words{"", "x"});
}

TEST_CASE("split_options rejects unterminated quotes") {
  CHECK(std::holds_alternative<SplitError>(split_options("-c 'abc")));
  CHECK(std::holds_alternative<SplitError>(split_options("\"abc")));
  CHECK(std::holds_alternative<SplitError>(split_options("abc\\")));
}

TEST_CASE("quote_words output splits back to the same words") {
  Words w{"-D", "/data dir", "it's", "say \"hi\"", "back\\slash", "$HOME", "", "`x`"};
  CHECK(words(quote_words(w)) == w);
  CHECK(quote_words({"-D", "/d"}) == "\"-D\" \"/d\"");
}

TEST_CASE("postmaster.opts line round-trips and parses like pg_ctl") {
  PostmasterCommand cmd{"/opt/pm emu/postmaster", {"-D", "/var/data", "-c", "port=5433"}};
  auto line = format_opts_line(cmd);
  CHECK(line == "/opt/pm emu/postmaster \"-D\" \"/var/data\" \"-c\" \"port=5433\"\n");
  auto parsed = parse_opts_line(line);
  REQUIRE(std::holds_alternative<PostmasterCommand>(parsed));
  CHECK(std::get<PostmasterCommand>(parsed).program == cmd.program);
  CHECK(std::get<PostmasterCommand>(parsed).args == cmd.args);

  auto bare = parse_opts_line("/usr/bin/postmaster\n");
  REQUIRE(std::holds_alternative<PostmasterCommand>(bare));
  CHECK(std::get<PostmasterCommand>(bare).args.empty());

  CHECK(std::holds_alternative<std::string>(parse_opts_line("")));
  CHECK(std::holds_alternative<std::string>(parse_opts_line("a \"b\"\nc \"d\"\n")));
  CHECK(std::holds_alternative<std::string>(parse_opts_line("a \"unterminated")));
}
