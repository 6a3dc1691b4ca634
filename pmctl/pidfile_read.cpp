#include "pmctl/pidfile_read.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "pmctl/file_util.h"

namespace pmemu::pmctl {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(text);
      break;
    }
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

template <typename T>
std::optional<T> parse_int(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string field(const std::vector<std::string_view>& lines, std::size_t idx) {
  return idx < lines.size() ? std::string(lines[idx]) : std::string();
}

}  // namespace

std::string pid_file_path(const std::string& data_dir) { return data_dir + "/postmaster.pid"; }

std::variant<PidFileInfo, PidFileError> parse_pid_file(std::string_view text, std::string_view path) {
  using K = PidFileError::Kind;
  if (text.empty()) {
    return PidFileError{K::Empty, "the PID file \"" + std::string(path) + "\" is empty"};
  }
  auto lines = split_lines(text);
  auto invalid = [&] {
    return PidFileError{K::Invalid, "invalid data in PID file \"" + std::string(path) + "\""};
  };
  auto pid = parse_int<pid_t>(lines[0]);
  if (!pid || *pid <= 0) return invalid();

  PidFileInfo info;
  info.pid = Pid{*pid};
  info.data_dir = field(lines, 1);
  if (lines.size() > 2) info.start_time = parse_int<std::int64_t>(lines[2]);
  if (lines.size() > 3) info.port = parse_int<int>(lines[3]);
  info.socket_dir = field(lines, 4);
  info.listen_address = field(lines, 5);
  info.shmem_key = field(lines, 6);
  info.status = field(lines, 7);
  return info;
}

std::variant<PidFileInfo, PidFileError> read_pid_file(const std::string& data_dir) {
  using K = PidFileError::Kind;
  const std::string path = pid_file_path(data_dir);
  FileError err;
  auto text = read_whole_file(path, &err);
  if (!text) {
    if (err.code == ENOENT) {
      return PidFileError{K::Missing, "PID file \"" + path + "\" does not exist"};
    }
    return PidFileError{K::Unreadable,
                        "could not open PID file \"" + path + "\": " + std::strerror(err.code)};
  }
  return parse_pid_file(*text, path);
}

bool status_is_up(std::string_view status) {
  return status == kPmStatusReady || status == kPmStatusStandby;
}

}  // namespace pmemu::pmctl
