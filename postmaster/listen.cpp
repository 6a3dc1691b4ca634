#include "postmaster/listen.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

namespace pmemu::postmaster {
namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto b = item.find_first_not_of(" \t");
    auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

bool listen_tcp(const std::string& host, int port, std::vector<ListenSocket>* out, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* res = nullptr;
  const char* node = (host == "*") ? nullptr : host.c_str();
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(node, service.c_str(), &hints, &res);
  if (rc != 0) {
    *error = "could not translate host name \"" + host + "\" to address: " + gai_strerror(rc);
    return false;
  }
  int opened = 0;
  std::string last_error;
  for (addrinfo* a = res; a; a = a->ai_next) {
    UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (!fd.valid()) continue;
    int one = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (a->ai_family == AF_INET6) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(fd.get(), a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd.get(), 1024) != 0) {
      last_error = std::strerror(errno);
      continue;
    }
    out->push_back(ListenSocket{std::move(fd), false, {}});
    ++opened;
  }
  ::freeaddrinfo(res);
  if (opened == 0) {
    *error = "could not create listen socket for \"" + host + "\" port " + std::to_string(port) +
             (last_error.empty() ? "" : ": " + last_error);
    return false;
  }
  return true;
}

bool listen_unix(const std::string& dir, int port, mode_t mode, std::vector<ListenSocket>* out, std::string* error) {
  std::string path = dir + "/.s.PGSQL." + std::to_string(port);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    *error = "Unix-domain socket path \"" + path + "\" is too long (maximum " +
             std::to_string(sizeof addr.sun_path - 1) + " bytes)";
    return false;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  // A socket file left by a dead postmaster: the lock file interlock already
  // proved nobody owns this directory, so the old file can go.
  ::unlink(path.c_str());
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(fd.get(), 1024) != 0) {
    *error = "could not create Unix-domain socket in directory \"" + dir + "\": " + std::strerror(errno);
    return false;
  }
  // unix_socket_permissions: who may connect is decided by the socket
  // file's mode, as PostgreSQL does (a chmod after bind).
  if (::chmod(path.c_str(), mode) != 0) {
    *error = "could not set permissions of file \"" + path + "\": " + std::strerror(errno);
    ::unlink(path.c_str());
    return false;
  }
  out->push_back(ListenSocket{std::move(fd), true, path});
  return true;
}

}  // namespace

bool open_listen_sockets(const std::string& listen_addresses, int port, const std::string& socket_dirs,
                         mode_t unix_socket_mode, std::vector<ListenSocket>* out, std::string* error) {
  for (auto& host : split_list(listen_addresses))
    if (!listen_tcp(host, port, out, error)) return false;
  for (auto& dir : split_list(socket_dirs))
    if (!listen_unix(dir, port, unix_socket_mode, out, error)) return false;
  if (out->empty()) {
    *error = "no socket created for listening";
    return false;
  }
  return true;
}

void close_listen_sockets(std::vector<ListenSocket>* sockets) {
  for (auto& s : *sockets)
    if (s.is_unix) ::unlink(s.unix_path.c_str());
  sockets->clear();
}

bool accept_connection(const ListenSocket& s, Accepted* out) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int fd = ::accept4(s.fd.get(), reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC);
  if (fd < 0) return false;
  out->fd = UniqueFd(fd);
  out->is_unix = s.is_unix;
  if (s.is_unix) {
    out->remote_host = "[local]";
    return true;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  char host[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    out->remote_port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    out->remote_port = ntohs(in6->sin6_port);
  }
  out->remote_host = host;
  return true;
}

}  // namespace pmemu::postmaster
