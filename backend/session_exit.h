// How a backend ends: every clean exit gives back its shared-memory places
// (PMChildFlags, proc slot, max_connections place) so the postmaster sees a
// clean slot; a SIGQUIT exit deliberately skips that (exit code 2 = crash).
#pragma once

#include "backend/client_io.h"
#include "common/strong_id.h"
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

// The interrupts that end the session wherever it waits (also inside a
// send): SIGQUIT exits at once, SIGTERM with 57P01, postmaster death with
// 57P01. Returns if none is pending.
void handle_die_interrupts(ClientIo& io);
[[noreturn]] void die_for_postmaster_death(ClientIo& io);

// Why a running statement must stop (the caller raises 57014 with
// cancel_message()), or kNone.
enum class Cancel { kNone, kUserRequest, kStatementTimeout };
[[nodiscard]] protocol::PgError cancel_error(Cancel why);

// Interrupt handling between and inside statements. Inside one
// (`in_statement`), says whether a cancel request or statement_timeout
// stops it; handles die, quit, postmaster death and reload itself.
using InStatement = TaggedBool<struct InStatementTag>;
Cancel process_interrupts(ClientIo& io, InStatement in_statement);

}  // namespace pmemu::backend
