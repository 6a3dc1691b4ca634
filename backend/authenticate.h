// Client authentication of a connection child (PostgreSQL's
// ClientAuthentication plus the role checks of InitPostgres): the
// pg_hba.conf line decides the method (trust, reject, password, md5,
// scram-sha-256); the role comes from the role catalogue as it is on disk
// now, so a role created or changed a moment ago counts. Runs in the
// backend process after the start-up packet; the password exchange must end
// within authentication_timeout, counted from its start (PostgreSQL counts
// from the connection's start; read_startup has its own deadline, so a slow
// client may take up to twice the setting in all).
// Failures never return: the client gets PostgreSQL's FATAL, the server log
// also gets the DETAIL saying why (which the client must not learn).
#pragma once

#include <string>

#include "backend/backend_main.h"
#include "backend/client_io.h"
#include "common/strong_id.h"
#include "protocol/frontend.h"

namespace pmemu::backend {

// A replication=true connection: matched against hba lines for
// `replication`, and the role needs REPLICATION or SUPERUSER.
using ForReplication = TaggedBool<struct ForReplicationTag>;

// Returns once the client proved who it is and may log in; exits otherwise.
void authenticate(ClientIo& io, const ConnectionStart& cs, const protocol::StartupMessage& sm,
                  ForReplication replication);

// The role this process authenticated as (set by authenticate(); empty before).
[[nodiscard]] const std::string& session_user();

}  // namespace pmemu::backend
