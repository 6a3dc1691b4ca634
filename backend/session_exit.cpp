#include "backend/session_exit.h"

#include <unistd.h>

#include "common/elog.h"
#include "events/events.h"
#include "ipc/reload.h"
#include "ipc/pm_death.h"
#include "ipc/child_exit.h"
#include "ipc/process_env.h"
#include "ipc/signals.h"
#include "backend/keepalive.h"
#include "backend/timeouts.h"
#include "protocol/backend_messages.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"

namespace pmemu::backend {
namespace {
bool g_counted = false;

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;

// Messages quote what clients sent (role and database names): control
// characters are written as \xNN so no client can start a log line.
std::string escape_control_chars(std::string_view s) {
  std::string out;
  for (unsigned char ch : s) {
    if (ch >= 0x20 && ch != 0x7f) {
      out += static_cast<char>(ch);
      continue;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\x";
    out += kHex[ch >> 4];
    out += kHex[ch & 15];
  }
  return out;
}

[[noreturn]] void quick_die(ClientIo& io) {
  auto reason = shmem::quit_reason(*ipc::env().areas.pmsignal);
  PgError w;
  switch (reason) {
    case shmem::QuitReason::ForCrash:
      w = PgError::crash_shutdown();
      break;
    case shmem::QuitReason::ForStop:
      w = PgError::immediate_shutdown();
      break;
    case shmem::QuitReason::NotSent:
      w = PgError::unexpected_sigquit();
      break;
  }
  protocol::error_response(io.out(), w);
  io.flush_best_effort();
  _exit(2);
}

}  // namespace

void note_counted_as_client_backend() { g_counted = true; }

void backend_exit(ClientIo* io, int code) {
  if (io) io->flush_best_effort();
  auto& e = ipc::env();
  if (g_counted) e.areas.procs->client_backends.fetch_sub(1);
  ipc::exit_child_cleanly(code);
}

void fatal_exit(ClientIo& io, const PgError& error) {
  PgError f = error;
  f.severity = protocol::Severity::kFatal;
  elog::log(elog::Level::Fatal, escape_control_chars(f.message));
  protocol::error_response(io.out(), f);
  backend_exit(&io, 1);
}

void refuse(ClientIo& io, const PgError& error) {
  events::emit("refused", {{"sqlstate", error.sqlstate}, {"reason", error.message}});
  fatal_exit(io, error);
}

void die_for_postmaster_death(ClientIo& io) {
  fatal_exit(io, PgError::postmaster_died());
}

void handle_die_interrupts(ClientIo& io) {
  using ipc::Sig;
  if (ipc::pending(Sig::Quit)) quick_die(io);
  if (ipc::take(Sig::Term))
    fatal_exit(io, PgError::admin_shutdown());
  if (ipc::pending(Sig::Pwr) && !ipc::postmaster_alive()) die_for_postmaster_death(io);
}

PgError cancel_error(Cancel why) {
  if (why == Cancel::kStatementTimeout)
    return PgError::error(sqlstate::kQueryCanceled, "canceling statement due to statement timeout");
  return PgError::query_canceled();
}

Cancel process_interrupts(ClientIo& io, InStatement in_statement) {
  using ipc::Sig;
  handle_die_interrupts(io);
  if (ipc::reload_if_requested()) apply_tcp_keepalives(io.fd(), ipc::env().settings);
  if (ipc::take(Sig::Int) && in_statement) return Cancel::kUserRequest;
  if (in_statement && statement_timeout_expired()) return Cancel::kStatementTimeout;
  return Cancel::kNone;
}

}  // namespace pmemu::backend
