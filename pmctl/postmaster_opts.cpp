#include "pmctl/postmaster_opts.h"

#include "pmctl/split_options.h"

namespace pmemu::pmctl {

std::string opts_file_path(const std::string& data_dir) { return data_dir + "/postmaster.opts"; }

std::string format_opts_line(const PostmasterCommand& cmd) {
  std::string line = cmd.program;
  if (!cmd.args.empty()) line += " " + quote_words(cmd.args);
  return line + "\n";
}

std::variant<PostmasterCommand, std::string> parse_opts_line(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.empty()) return std::string("empty options line");
  if (line.find('\n') != std::string_view::npos) return std::string("option file must have exactly one line");
  PostmasterCommand cmd;
  auto first_arg = line.find(" \"");
  cmd.program = std::string(line.substr(0, first_arg));
  if (first_arg == std::string_view::npos) return cmd;
  auto split = split_options(line.substr(first_arg + 1));
  if (auto* err = std::get_if<SplitError>(&split)) return err->message;
  cmd.args = std::move(std::get<std::vector<std::string>>(split));
  return cmd;
}

}  // namespace pmemu::pmctl
