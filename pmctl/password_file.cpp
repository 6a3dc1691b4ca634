#include "pmctl/password_file.h"

#include "pmctl/file_util.h"

namespace pmemu::pmctl {

std::variant<std::string, std::string> read_password_file(const std::string& path) {
  FileError err;
  auto text = read_whole_file(path, &err);
  if (!text) return std::variant<std::string, std::string>(std::in_place_index<1>, err.message);
  std::string pw = text->substr(0, text->find('\n'));
  if (!pw.empty() && pw.back() == '\r') pw.pop_back();
  if (pw.empty()) {
    return std::variant<std::string, std::string>(std::in_place_index<1>,
                                                  "password file \"" + path + "\" is empty");
  }
  return std::variant<std::string, std::string>(std::in_place_index<0>, pw);
}

}  // namespace pmemu::pmctl
