// synchronous_standby_names, parsed as PostgreSQL 15 reads it:
//   ''                      no synchronous replication
//   'a, b, c'  or  '*'      FIRST 1 (a, b, c)
//   'n (a, b)'              FIRST n (a, b)
//   'FIRST n (a, b)'        priority: the n first-listed connected standbys
//   'ANY n (a, b)'          quorum: any n of them
// Quoting keeps spaces and commas in a name; matching ignores case either
// way (PostgreSQL compares with pg_strcasecmp); '*' matches any standby.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pmemu::syncrep {

enum class SyncMethod { Priority, Quorum };

struct StandbyNames {
  SyncMethod method = SyncMethod::Priority;
  int num_sync = 0;                // 0: synchronous replication is off
  std::vector<std::string> names;  // in priority order; quoted ones kept as written

  [[nodiscard]] bool defined() const { return num_sync > 0; }
  // 1-based priority of `application_name` (its first matching entry), 0 if none.
  [[nodiscard]] int priority_of(std::string_view application_name) const;
};

// nullopt with `error` set for a malformed value (the setting's validation).
[[nodiscard]] std::optional<StandbyNames> parse_standby_names(std::string_view text, std::string* error);

}  // namespace pmemu::syncrep
