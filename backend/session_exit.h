// How a backend ends: every clean exit gives back its shared-memory places
// (PMChildFlags, proc slot, max_connections place) so the postmaster sees a
// clean slot; a SIGQUIT exit deliberately skips that (exit code 2 = crash).
#pragma once

#include "backend/client_io.h"
#include "protocol/pg_error.h"

namespace pmemu::backend {

// Set once the session holds a max_connections place.
void note_counted_as_client_backend();

[[noreturn]] void backend_exit(ClientIo* io, int code);
// Sends a FATAL ErrorResponse, logs it and exits 1.
[[noreturn]] void fatal_exit(ClientIo& io, const protocol::PgError& error);
// The same for a connection refused at start-up (admission, authentication),
// which also writes a `refused` event (SPEC 10.1).
[[noreturn]] void refuse(ClientIo& io, const protocol::PgError& error);

// Interrupt handling between and inside statements. Returns true if a
// cancel request is pending and `in_statement` (the caller raises 57014);
// handles die, quit, postmaster death and reload itself.
bool process_interrupts(ClientIo& io, bool in_statement);

}  // namespace pmemu::backend
