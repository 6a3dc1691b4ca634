#include "backup/tar_format.h"

#include <cstdio>
#include <cstring>

namespace pmemu::backup {
namespace {

void put_octal(std::string& h, std::size_t off, std::size_t width, std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(v));
  std::memcpy(h.data() + off, buf, width - 1);
  h[off + width - 1] = '\0';
}

std::optional<std::uint64_t> get_octal(std::string_view s) {
  std::uint64_t v = 0;
  bool any = false;
  for (char c : s) {
    if (c == '\0' || c == ' ') {
      if (any) break;
      continue;
    }
    if (c < '0' || c > '7') return std::nullopt;
    v = v * 8 + static_cast<std::uint64_t>(c - '0');
    any = true;
  }
  return v;
}

std::uint32_t checksum(const std::string& h) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < kTarBlock; ++i)
    sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
  return sum;
}

}  // namespace

std::optional<std::string> pack_tar_header(const TarEntry& e) {
  std::string name = e.name;
  if (e.type == TarEntryType::Directory) name += '/';
  if (name.empty() || name.size() > 99) return std::nullopt;
  std::string h(kTarBlock, '\0');
  std::memcpy(h.data(), name.data(), name.size());
  put_octal(h, 100, 8, e.mode);
  put_octal(h, 108, 8, 0);  // uid
  put_octal(h, 116, 8, 0);  // gid
  put_octal(h, 124, 12, e.type == TarEntryType::File ? e.size : 0);
  put_octal(h, 136, 12, static_cast<std::uint64_t>(e.mtime));
  h[156] = static_cast<char>(e.type);
  std::memcpy(h.data() + 257, "ustar", 6);  // magic with its NUL
  std::memcpy(h.data() + 263, "00", 2);     // version
  char sum[8];
  std::snprintf(sum, sizeof sum, "%06o", checksum(h));
  std::memcpy(h.data() + 148, sum, 7);
  h[155] = ' ';
  return h;
}

std::size_t tar_padding(std::uint64_t size) {
  return static_cast<std::size_t>((kTarBlock - size % kTarBlock) % kTarBlock);
}

std::optional<TarEntry> parse_tar_header(std::string_view block, std::string* error) {
  if (block.size() != kTarBlock) {
    *error = "truncated tar header";
    return std::nullopt;
  }
  bool all_zero = true;
  for (char c : block) all_zero = all_zero && c == '\0';
  if (all_zero) {
    error->clear();
    return std::nullopt;
  }
  std::string h(block);
  auto stored = get_octal(block.substr(148, 8));
  if (!stored || *stored != checksum(h)) {
    *error = "tar header checksum mismatch";
    return std::nullopt;
  }
  TarEntry e;
  e.name = std::string(block.substr(0, strnlen(block.data(), 100)));
  auto size = get_octal(block.substr(124, 12));
  auto mode = get_octal(block.substr(100, 8));
  auto mtime = get_octal(block.substr(136, 12));
  if (!size || !mode || !mtime) {
    *error = "bad number in tar header";
    return std::nullopt;
  }
  e.size = *size;
  e.mode = static_cast<std::uint32_t>(*mode);
  e.mtime = static_cast<std::int64_t>(*mtime);
  const char t = block[156];
  if (t == '5') {
    e.type = TarEntryType::Directory;
    if (!e.name.empty() && e.name.back() == '/') e.name.pop_back();
  } else if (t == '0' || t == '\0') {
    e.type = TarEntryType::File;
  } else {
    *error = std::string("unsupported tar entry type '") + t + "' for \"" + e.name + "\"";
    return std::nullopt;
  }
  if (e.name.empty() || e.name.find("..") != std::string::npos || e.name.front() == '/') {
    *error = "unsafe path in tar archive: \"" + e.name + "\"";
    return std::nullopt;
  }
  return e;
}

}  // namespace pmemu::backup
