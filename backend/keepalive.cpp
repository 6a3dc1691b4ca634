#include "backend/keepalive.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace pmemu::backend {
namespace {

struct Defaults {
  bool known = false;
  int idle = 0, interval = 0, count = 0;
};

int get_opt(int fd, int opt) {
  int v = 0;
  socklen_t len = sizeof v;
  (void)::getsockopt(fd, IPPROTO_TCP, opt, &v, &len);
  return v;
}

void set_opt(int fd, int opt, int wanted, int fallback) {
  int v = wanted > 0 ? wanted : fallback;
  (void)::setsockopt(fd, IPPROTO_TCP, opt, &v, sizeof v);
}

}  // namespace

void apply_tcp_keepalives(int fd, const config::Settings& s) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return;
  if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) return;
  static Defaults defaults;
  if (!defaults.known) {
    defaults = {true, get_opt(fd, TCP_KEEPIDLE), get_opt(fd, TCP_KEEPINTVL), get_opt(fd, TCP_KEEPCNT)};
  }
  int one = 1;
  (void)::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  set_opt(fd, TCP_KEEPIDLE, s.tcp_keepalives_idle_s, defaults.idle);
  set_opt(fd, TCP_KEEPINTVL, s.tcp_keepalives_interval_s, defaults.interval);
  set_opt(fd, TCP_KEEPCNT, s.tcp_keepalives_count, defaults.count);
}

}  // namespace pmemu::backend
