#include "common/elog.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>
#include <sys/time.h>
#include <unistd.h>

namespace pmemu::elog {
namespace {

char g_type[32] = "postmaster";
Level g_min = Level::Warning;

constexpr std::array<std::string_view, 12> kNames = {
    "DEBUG5", "DEBUG4", "DEBUG3", "DEBUG2", "DEBUG1", "INFO",
    "NOTICE", "WARNING", "LOG", "ERROR", "FATAL", "PANIC"};

// log_min_messages puts LOG between ERROR and FATAL, unlike the client-side
// order of the enum; this is PostgreSQL's is_log_level_output().
int server_rank(Level l) {
  // DEBUG5 .. WARNING, ERROR, LOG, FATAL, PANIC
  switch (l) {
    case Level::Error: return 100;
    case Level::Log: return 101;
    case Level::Fatal: return 102;
    case Level::Panic: return 103;
    default: return static_cast<int>(l);
  }
}

std::string prefix(Level level) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm t{};
  gmtime_r(&tv.tv_sec, &t);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC [%d] %s %s:  ",
                t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                static_cast<int>(tv.tv_usec / 1000), static_cast<int>(getpid()), g_type,
                std::string(level_name(level)).c_str());
  return buf;
}

void write_all(const std::string& s) {
  const char* p = s.data();
  size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // nowhere to report a failing log write
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

std::string_view level_name(Level level) { return kNames[static_cast<size_t>(level)]; }

bool parse_level(std::string_view text, Level* out) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < kNames.size(); ++i) {
    std::string name(kNames[i]);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == lower) { *out = static_cast<Level>(i); return true; }
  }
  if (lower == "debug") { *out = Level::Debug2; return true; }
  return false;
}

void set_process_type(std::string_view type) {
  std::snprintf(g_type, sizeof g_type, "%.*s", static_cast<int>(type.size()), type.data());
}

std::string_view process_type() { return g_type; }

void set_min_level(Level level) { g_min = level; }

Level min_level() { return g_min; }

bool enabled(Level level) { return server_rank(level) >= server_rank(g_min); }

void log(Level level, std::string_view message) {
  if (!enabled(level)) return;
  std::string line = prefix(level);
  line.append(message);
  line.push_back('\n');
  write_all(line);
}

namespace {
void log_with_extra(Level level, std::string_view message, std::string_view label, std::string_view extra) {
  if (!enabled(level)) return;
  std::string line = prefix(level);
  line.append(message);
  line.push_back('\n');
  // PostgreSQL prints DETAIL and HINT on their own lines with the same prefix.
  std::string p = prefix(level);
  std::string lvl = std::string(level_name(level)) + ":";
  auto pos = p.rfind(lvl);
  if (pos != std::string::npos) p.replace(pos, lvl.size() - 1, label);
  line += p;
  line.append(extra);
  line.push_back('\n');
  write_all(line);
}
}  // namespace

void log_detail(Level level, std::string_view message, std::string_view detail) {
  log_with_extra(level, message, "DETAIL", detail);
}

void log_hint(Level level, std::string_view message, std::string_view hint) {
  log_with_extra(level, message, "HINT", hint);
}

void log_statement(Level level, std::string_view message, std::string_view statement) {
  log_with_extra(level, message, "STATEMENT", statement);
}

}  // namespace pmemu::elog
