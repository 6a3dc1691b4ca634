// Checks shared by the subcommands that act on an existing data directory,
// with pg_ctl's wording. `status` turns a failure into exit 4, the others 1.
#pragma once

#include <optional>
#include <string>

namespace pmemu::pmctl {

// nullopt if `dir` exists and holds PG_VERSION; otherwise the message
// (`directory "X" does not exist`, `... is not a database cluster directory`).
[[nodiscard]] std::optional<std::string> check_cluster_dir(const std::string& dir);

// `dir` made absolute (lexically), so the postmaster and postmaster.opts do
// not depend on the caller's working directory.
[[nodiscard]] std::string absolute_dir(const std::string& dir);

}  // namespace pmemu::pmctl
