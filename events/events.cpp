#include "events/events.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include "common/elog.h"

namespace pmemu::events {
namespace {

int g_fd = -1;
int g_gen = 0;
std::uint64_t g_dropped = 0;

// A bounded appender over a caller's buffer: once something does not fit it
// stays failed, so the line is dropped whole.
struct Out {
  char* buf;
  std::size_t cap;
  std::size_t len = 0;
  bool ok = true;

  void put(char c) {
    if (len + 1 > cap) { ok = false; return; }
    buf[len++] = c;
  }
  void put(std::string_view s) {
    if (len + s.size() > cap) { ok = false; return; }
    std::memcpy(buf + len, s.data(), s.size());
    len += s.size();
  }
  void put_int(long long v) {
    char tmp[32];
    int n = std::snprintf(tmp, sizeof tmp, "%lld", v);
    put(std::string_view(tmp, static_cast<std::size_t>(n)));
  }
  void put_string(std::string_view s) {
    put('"');
    for (unsigned char c : s) {
      switch (c) {
        case '"': put("\\\""); break;
        case '\\': put("\\\\"); break;
        case '\n': put("\\n"); break;
        case '\r': put("\\r"); break;
        case '\t': put("\\t"); break;
        default:
          if (c < 0x20) {
            char tmp[8];
            std::snprintf(tmp, sizeof tmp, "\\u%04x", c);
            put(std::string_view(tmp, 6));
          } else {
            put(static_cast<char>(c));
          }
      }
    }
    put('"');
  }
  void key(std::string_view k) {
    put(',');
    put_string(k);
    put(':');
  }
};

}  // namespace

bool open_stream(std::string_view data_dir) {
  close_stream();
  std::string path(data_dir);
  path += "/events.jsonl";
  g_fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  return g_fd >= 0;
}

void use_fd(int fd) { g_fd = fd; }

void close_stream() {
  if (g_fd >= 0) ::close(g_fd);
  g_fd = -1;
}

void set_generation(int gen) { g_gen = gen; }
int generation() { return g_gen; }
std::uint64_t dropped_count() { return g_dropped; }

std::size_t format_line(char* buf, std::size_t cap, const Header& h, std::string_view ev,
                        std::initializer_list<Field> fields) {
  Out o{buf, cap};
  o.put("{\"ts\":");
  o.put_string(h.ts);
  o.key("mono_ns");
  o.put_int(h.mono_ns);
  o.key("pid");
  o.put_int(h.pid);
  o.key("ptype");
  o.put_string(h.ptype);
  o.key("gen");
  o.put_int(h.gen);
  o.key("ev");
  o.put_string(ev);
  for (const Field& f : fields) {
    o.key(f.name());
    switch (f.kind()) {
      case Field::Kind::Str: o.put_string(f.str()); break;
      case Field::Kind::Int: o.put_int(f.integer()); break;
      case Field::Kind::Bool: o.put(f.integer() ? "true" : "false"); break;
      case Field::Kind::Lsn: {
        auto v = static_cast<std::uint64_t>(f.integer());
        char tmp[24];
        int n = std::snprintf(tmp, sizeof tmp, "%X/%X", static_cast<unsigned>(v >> 32),
                              static_cast<unsigned>(v & 0xffffffffu));
        o.put_string(std::string_view(tmp, static_cast<std::size_t>(n)));
        break;
      }
    }
  }
  o.put("}\n");
  return o.ok ? o.len : 0;
}

void emit(std::string_view ev, std::initializer_list<Field> fields) {
  if (g_fd < 0) return;
  const int saved_errno = errno;  // callers may be looking at errno after the work they describe
  timespec wall{}, mono{};
  ::clock_gettime(CLOCK_REALTIME, &wall);
  ::clock_gettime(CLOCK_MONOTONIC, &mono);
  std::tm tm{};
  ::gmtime_r(&wall.tv_sec, &tm);
  char ts[40];
  int tn = std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, wall.tv_nsec / 1000);
  Header h{std::string_view(ts, static_cast<std::size_t>(tn)),
           static_cast<long long>(mono.tv_sec) * 1000000000LL + mono.tv_nsec, static_cast<long long>(::getpid()),
           elog::process_type(), g_gen};
  char buf[kMaxLine];
  std::size_t n = format_line(buf, sizeof buf, h, ev, fields);
  if (n == 0 || ::write(g_fd, buf, n) != static_cast<ssize_t>(n)) ++g_dropped;
  errno = saved_errno;
}

std::string_view signal_name(int signo, char (&buf)[16]) {
  switch (signo) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGKILL: return "SIGKILL";
    case SIGHUP: return "SIGHUP";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGSTOP: return "SIGSTOP";
    case SIGCONT: return "SIGCONT";
    case SIGABRT: return "SIGABRT";
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGPIPE: return "SIGPIPE";
    case SIGCHLD: return "SIGCHLD";
    case SIGALRM: return "SIGALRM";
    default: break;
  }
  int n = std::snprintf(buf, sizeof buf, "SIG%d", signo);
  return std::string_view(buf, static_cast<std::size_t>(n));
}

}  // namespace pmemu::events
