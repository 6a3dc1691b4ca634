// A password given in a file (`pmctl init --pwfile`, `pmctl role
// --password-file`): its first line without the line end, as initdb reads it.
#pragma once

#include <string>
#include <variant>

namespace pmemu::pmctl {

// index 0: the password; index 1: the error ("password file "f" is empty").
[[nodiscard]] std::variant<std::string, std::string> read_password_file(const std::string& path);

}  // namespace pmemu::pmctl
