// TCP keepalive of a client connection, from tcp_keepalives_idle,
// _interval and _count. SO_KEEPALIVE is always on for TCP (as PostgreSQL
// does); a setting of 0 puts back the system's default, remembered on the
// first call. A Unix-socket connection is left alone. Called by the
// backend whenever its settings may have changed.
#pragma once

#include "config/settings.h"

namespace pmemu::backend {

void apply_tcp_keepalives(int fd, const config::Settings& s);

}  // namespace pmemu::backend
