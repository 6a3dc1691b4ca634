// The settings a start-up packet carries, applied to the session as
// PostgreSQL's process_startup_options does: first the `options` parameter
// (`-c name=value` and `--name=value`, blank-separated, backslash escapes a
// blank), then every other parameter except user, database, replication and
// the `_pq_.` protocol options (answered by protocol negotiation instead).
// Called in a connection child after authentication.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "protocol/frontend.h"
#include "protocol/pg_error.h"

namespace pmemu::backend {

// name/value pairs of an `options` string; a malformed one is an error
// (FATAL 42601 "invalid command-line argument for server process").
[[nodiscard]] std::variant<std::vector<std::pair<std::string, std::string>>, protocol::PgError> parse_startup_options(
    std::string_view options);

// The first setting that cannot be applied, as the FATAL to send (42704 for
// an unknown name, 55P02 for one a session cannot change, 22023 for a bad
// value); nullopt when all were applied to `cfg`'s session values.
[[nodiscard]] std::optional<protocol::PgError> apply_startup_settings(const protocol::StartupMessage& sm,
                                                                      config::Config& cfg);

}  // namespace pmemu::backend
