// `postmaster.opts`: the command line the server was last started with, one
// line, as PostgreSQL writes it: the program path, then each argument in
// double quotes:  /path/postmaster "-D" "/data" "-p" "5433"
// `start` writes it, `restart` starts again with the same arguments and
// `status` prints it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pmemu::pmctl {

struct PostmasterCommand {
  std::string program;
  std::vector<std::string> args;  // without argv[0]
};

[[nodiscard]] std::string opts_file_path(const std::string& data_dir);

[[nodiscard]] std::string format_opts_line(const PostmasterCommand& cmd);

// As pg_ctl reads it: the program is everything before the first ` "`, the
// rest is split into arguments. Error text on a malformed line.
[[nodiscard]] std::variant<PostmasterCommand, std::string> parse_opts_line(std::string_view line);

}  // namespace pmemu::pmctl
