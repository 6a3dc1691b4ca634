// ASCII-only case folding, as PostgreSQL's pg_strcasecmp compares keywords
// and option values: bytes outside A-Z are compared as they are, so UTF-8
// text is never folded.
#pragma once

#include <cstddef>
#include <string_view>

namespace pmemu {

[[nodiscard]] constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

[[nodiscard]] constexpr bool ascii_iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

}  // namespace pmemu
