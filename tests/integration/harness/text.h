// Small string helpers the scenarios use to read client output.
#pragma once

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace pmemu::integration {

[[nodiscard]] inline std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

[[nodiscard]] inline std::vector<std::string> lines_of(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string line; std::getline(in, line);) {
    if (!trim(line).empty()) out.push_back(line);
  }
  return out;
}

[[nodiscard]] inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace pmemu::integration
