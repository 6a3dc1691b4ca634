#include "wal/lsn.h"

#include <charconv>
#include <cstdio>

namespace pmemu {

std::string Lsn::str() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(v_ >> 32),
                static_cast<unsigned>(v_ & 0xffffffffu));
  return buf;
}

std::optional<Lsn> Lsn::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto parse_half = [](std::string_view s) -> std::optional<std::uint32_t> {
    if (s.empty() || s.size() > 8) return std::nullopt;
    std::uint32_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
  };
  auto hi = parse_half(text.substr(0, slash));
  auto lo = parse_half(text.substr(slash + 1));
  if (!hi || !lo) return std::nullopt;
  return Lsn{(std::uint64_t{*hi} << 32) | *lo};
}

}  // namespace pmemu
