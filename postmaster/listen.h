// The postmaster's listening sockets: TCP on listen_addresses and the Unix
// socket DIR/.s.PGSQL.<port> in each unix_socket_directories entry.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

#include "common/unique_fd.h"

namespace pmemu::postmaster {

struct ListenSocket {
  UniqueFd fd;
  bool is_unix = false;
  std::string unix_path;  // removed when the postmaster exits
};

// Opens every socket; returns false with a message naming what failed.
// "localhost" means the loopback addresses, "*" every address. Each Unix
// socket file gets `unix_socket_mode` (unix_socket_permissions).
[[nodiscard]] bool open_listen_sockets(const std::string& listen_addresses, int port,
                                       const std::string& socket_dirs, mode_t unix_socket_mode,
                                       std::vector<ListenSocket>* out, std::string* error);
void close_listen_sockets(std::vector<ListenSocket>* sockets);

struct Accepted {
  UniqueFd fd;
  bool is_unix = false;
  std::string remote_host;  // "127.0.0.1", "::1" or "[local]"
  int remote_port = 0;
};
[[nodiscard]] bool accept_connection(const ListenSocket& s, Accepted* out);

}  // namespace pmemu::postmaster
