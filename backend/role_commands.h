// CREATE ROLE / CREATE USER, ALTER ROLE, DROP ROLE in a session: checks the
// session user's attributes as the role file says now, then changes the file
// with config::RoleCatalog::update (locked, durable). Roles are not
// WAL-logged (docs/roles.md); the executor refuses these on a standby first.
#pragma once

#include <optional>

#include "protocol/pg_error.h"
#include "protocol/sql.h"
#include "protocol/wire.h"

namespace pmemu::backend {

// nullopt on success (the command tag, and any notice, written to `out`).
[[nodiscard]] std::optional<protocol::PgError> create_role(protocol::Buffer& out, const protocol::sql::CreateRole& s);
[[nodiscard]] std::optional<protocol::PgError> alter_role(protocol::Buffer& out, const protocol::sql::AlterRole& s);
[[nodiscard]] std::optional<protocol::PgError> drop_role(protocol::Buffer& out, const protocol::sql::DropRole& s);

}  // namespace pmemu::backend
