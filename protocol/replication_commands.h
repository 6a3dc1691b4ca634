// Commands of a physical replication connection (SPEC section 7), as
// PostgreSQL 15's repl_gram.y accepts them, including the legacy
// (unparenthesised) option forms older clients send. One command per Query;
// a trailing ';' is allowed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/pg_error.h"
#include "wal/lsn.h"

namespace pmemu::protocol::repl {

// A generic option `name [value]`: name lower-cased; value is the string's
// contents, the number's digits, or the word (lower-cased) as written.
struct Option {
  std::string name;
  std::optional<std::string> value;
  friend bool operator==(const Option&, const Option&) = default;
};

struct Empty {};           // an empty query string: EmptyQueryResponse
struct IdentifySystem {};
struct Show { std::string name; };
struct TimelineHistory { TimeLineId timeline; };
struct StartReplication {
  std::optional<std::string> slot;
  Lsn start;
  std::optional<TimeLineId> timeline;  // nullopt: the server's current one
};
struct CreateReplicationSlot {
  std::string slot;
  bool temporary = false;
  bool reserve_wal = false;
};
struct DropReplicationSlot {
  std::string slot;
  bool wait = false;
};
struct ReadReplicationSlot { std::string slot; };
struct BaseBackup {
  std::vector<Option> options;  // in the order given; legacy words translated
  // The last value given for `name` (lower case); nullopt if absent. An
  // option given without a value yields an empty optional inside: check
  // has_option() for flags.
  [[nodiscard]] std::optional<std::optional<std::string>> option(std::string_view name) const;
  [[nodiscard]] bool has_option(std::string_view name) const { return option(name).has_value(); }
};

using Command = std::variant<Empty, IdentifySystem, Show, TimelineHistory, StartReplication,
                             CreateReplicationSlot, DropReplicationSlot, ReadReplicationSlot,
                             BaseBackup>;

// Errors (ERROR; the session goes on): 0A000 "cannot execute SQL commands in
// WAL sender for physical replication" for anything that is not a
// replication command; 42601 "syntax error" (bison's plain text, as
// PostgreSQL's walsender reports it) and "invalid timeline %u"; 0A000 for
// logical replication; "unrecognized option: %s" for slot options.
[[nodiscard]] Result<Command> parse_replication_command(std::string_view query);

// PostgreSQL's ReplicationSlotValidateName: 1..63 characters of [a-z0-9_].
[[nodiscard]] std::optional<PgError> validate_slot_name(std::string_view name);

}  // namespace pmemu::protocol::repl
