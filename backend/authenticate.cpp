#include "backend/authenticate.h"

#include <sys/socket.h>

#include <chrono>
#include <optional>

#include "auth/crypto.h"
#include "auth/md5.h"
#include "auth/scram.h"
#include "auth/verifier.h"
#include "backend/session_exit.h"
#include "common/elog.h"
#include "config/hba.h"
#include "events/events.h"
#include "config/roles.h"
#include "ipc/process_env.h"
#include "ipc/signals.h"
#include "protocol/backend_messages.h"

namespace pmemu::backend {
namespace {

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;
using Clock = std::chrono::steady_clock;

std::string g_session_user;  // written once, by authenticate()

// One connection's authentication: the socket, the deadline, and what the
// server log is told when it fails.
struct AuthContext {
  ClientIo& io;
  std::string user;
  const config::HbaLine& line;
  Clock::time_point deadline;
  protocol::FrameDecoder frames;
};

// 28P01 to the client; the log gets the reason and the hba line, as
// PostgreSQL's auth_failed writes them.
[[noreturn]] void password_failed(AuthContext& ctx, const std::string& why) {
  PgError err = PgError::password_failed(ctx.user);
  std::string detail = why.empty() ? std::string() : why + "\n\t";  // continuation lines as PostgreSQL indents them
  detail += "Connection matched pg_hba.conf line " + std::to_string(ctx.line.line_number) + ": \"" +
            ctx.line.raw + "\"";
  elog::log_detail(elog::Level::Fatal, err.message, detail);
  events::emit("refused", {{"sqlstate", err.sqlstate}, {"reason", err.message}});
  protocol::error_response(ctx.io.out(), err);
  backend_exit(&ctx.io, 1);
}

[[noreturn]] void send_fatal(ClientIo& io, PgError err) { refuse(io, err); }

// The next message, which must be a 'p' (`what` names it for the error).
// A client that hangs up here ends the process quietly, as PostgreSQL's does
// (psql does it to ask the user for a password); so does the timeout.
std::string read_password_message(AuthContext& ctx, std::string_view what) {
  std::string buf;
  for (;;) {
    auto next = ctx.frames.next();
    if (auto* err = std::get_if<PgError>(&next)) send_fatal(ctx.io, *err);
    if (auto* msg = std::get_if<protocol::FrontendMessage>(&next)) {
      if (msg->type != 'p')
        send_fatal(ctx.io, PgError::protocol_violation("expected " + std::string(what) + " response, got message type " +
                                                       std::to_string(static_cast<unsigned char>(msg->type))));
      return std::move(msg->body);
    }
    if (!ctx.io.flush()) backend_exit(nullptr, 0);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.deadline - Clock::now()).count();
    if (left <= 0) backend_exit(nullptr, 1);
    buf.clear();
    auto r = ctx.io.read_some(&buf, static_cast<int>(left));
    if (r == ClientIo::ReadOutcome::Closed) backend_exit(nullptr, 0);
    if (r == ClientIo::ReadOutcome::PostmasterDied) backend_exit(nullptr, 1);
    if (ipc::pending(ipc::Sig::Quit)) _exit(2);
    if (ipc::take(ipc::Sig::Term)) backend_exit(nullptr, 1);
    ctx.frames.feed(buf);
  }
}

std::string random_or_die(ClientIo& io, std::size_t n) {
  auto bytes = auth::random_bytes(n);
  if (!bytes) send_fatal(io, PgError::fatal(sqlstate::kInternalError, "could not generate random salt"));
  return *bytes;
}

// Why a role cannot pass, for the log: PostgreSQL's get_role_password texts.
std::string missing_secret_reason(const config::Role* role, std::string_view user) {
  if (!role) return "Role \"" + std::string(user) + "\" does not exist.";
  return "User \"" + std::string(user) + "\" has no password assigned.";
}

void cleartext(AuthContext& ctx, const config::Role* role) {
  protocol::auth_cleartext_password(ctx.io.out());
  auto pw = protocol::parse_password(read_password_message(ctx, "password"));
  if (auto* err = std::get_if<PgError>(&pw)) send_fatal(ctx.io, *err);
  const std::string& password = std::get<std::string>(pw);
  if (password.empty())
    send_fatal(ctx.io, PgError::fatal(sqlstate::kInvalidPassword, "empty password returned by client"));
  if (!role || role->verifier.empty()) password_failed(ctx, missing_secret_reason(role, ctx.user));
  if (!auth::check_plain_password(role->verifier, ctx.user, password))
    password_failed(ctx, "Password does not match for user \"" + ctx.user + "\".");
}

// The md5 challenge; `role` is null or has no md5 verifier in a mock run,
// which always fails after the client answered.
void md5_challenge(AuthContext& ctx, const config::Role* role) {
  std::string salt = random_or_die(ctx.io, 4);
  std::uint8_t salt_bytes[4];
  for (int i = 0; i < 4; ++i) salt_bytes[i] = static_cast<std::uint8_t>(salt[static_cast<std::size_t>(i)]);
  protocol::auth_md5_password(ctx.io.out(), salt_bytes);
  auto answer = protocol::parse_password(read_password_message(ctx, "password"));
  if (auto* err = std::get_if<PgError>(&answer)) send_fatal(ctx.io, *err);
  if (!role || role->verifier.empty()) password_failed(ctx, missing_secret_reason(role, ctx.user));
  if (!auth::md5_check_response(role->verifier, salt, std::get<std::string>(answer)))
    password_failed(ctx, "Password does not match for user \"" + ctx.user + "\".");
}

[[noreturn]] void scram_malformed(ClientIo& io, const auth::ScramExchange::Step& step) {
  auto code = step.unsupported ? sqlstate::kFeatureNotSupported : sqlstate::kProtocolViolation;
  PgError err = PgError::fatal(code, step.message);
  if (!step.detail.empty()) err = std::move(err).with_detail(step.detail);
  send_fatal(io, err);
}

// SASL with SCRAM-SHA-256. A role without a SCRAM secret gets a mock
// exchange with a salt derived from its name, failing only at the end.
void scram(AuthContext& ctx, const config::Role* role) {
  auto& e = ipc::env();
  std::optional<auth::ScramSecret> secret;
  std::string why;
  if (role) secret = auth::parse_scram_secret(role->verifier);
  if (!secret) {
    why = role && !role->verifier.empty()
              ? "User \"" + ctx.user + "\" does not have a valid SCRAM secret."
              : missing_secret_reason(role, ctx.user);
  }
  const bool doomed = !secret;
  auth::ScramExchange ex(secret ? *secret : auth::mock_scram_secret(ctx.user, std::to_string(e.system_identifier)),
                         doomed, auth::base64_encode(random_or_die(ctx.io, auth::kScramNonceLength)));

  protocol::auth_sasl(ctx.io.out(), {std::string(auth::kScramMechanism)});
  auto init = protocol::parse_sasl_initial_response(read_password_message(ctx, "SASL"));
  if (auto* err = std::get_if<PgError>(&init)) send_fatal(ctx.io, *err);
  auto& first = std::get<protocol::SaslInitialResponse>(init);
  if (first.mechanism != auth::kScramMechanism)
    send_fatal(ctx.io, PgError::protocol_violation("client selected an invalid SASL authentication mechanism"));
  auto step = ex.client_first(first.data.value_or(""));
  if (step.status == auth::ScramExchange::Status::Malformed) scram_malformed(ctx.io, step);
  protocol::auth_sasl_continue(ctx.io.out(), step.data);

  step = ex.client_final(read_password_message(ctx, "SASL"));
  if (step.status == auth::ScramExchange::Status::Malformed) scram_malformed(ctx.io, step);
  if (step.status != auth::ScramExchange::Status::Success) password_failed(ctx, why);
  protocol::auth_sasl_final(ctx.io.out(), step.data);
}

// md5 uses the md5 challenge only when the stored verifier is md5 (or, with
// no usable role, when password_encryption is md5); otherwise SCRAM, as
// PostgreSQL's CheckPWChallengeAuth decides.
void md5_or_scram(AuthContext& ctx, const config::Role* role) {
  auth::VerifierKind kind = role ? auth::verifier_kind(role->verifier) : auth::VerifierKind::None;
  if (kind == auth::VerifierKind::None && ipc::env().config.get_enum("password_encryption") == "md5")
    kind = auth::VerifierKind::Md5;
  if (kind == auth::VerifierKind::Md5) md5_challenge(ctx, role);
  else scram(ctx, role);
}

// The catalogue as it is on disk now; the postmaster's copy if the file
// cannot be read (the postmaster logs why at its next reload).
config::RoleCatalog current_roles() {
  auto& e = ipc::env();
  auto fresh = config::RoleCatalog::load(e.data_dir + "/" + std::string(config::kRolesFile));
  if (auto* cat = std::get_if<config::RoleCatalog>(&fresh)) return std::move(*cat);
  elog::log(elog::Level::Log, std::get<std::string>(fresh));
  return *e.roles;
}

}  // namespace

void authenticate(ClientIo& io, const ConnectionStart& cs, const protocol::StartupMessage& sm,
                  ForReplication replication) {
  auto& e = ipc::env();
  config::HbaRequest req;
  req.local = cs.is_unix;
  socklen_t len = sizeof req.remote;
  if (!cs.is_unix) ::getpeername(io.fd(), reinterpret_cast<sockaddr*>(&req.remote), &len);
  req.user = std::string(sm.user());
  req.database = std::string(sm.database());
  req.replication = static_cast<bool>(replication);
  const auto* line = e.hba->match(req);
  if (!line) send_fatal(io, PgError::fatal(sqlstate::kInvalidAuthorizationSpecification, config::hba_no_entry_message(req)));

  const config::RoleCatalog roles = current_roles();
  const config::Role* role = roles.find(sm.user());
  AuthContext ctx{io, req.user, *line, Clock::now() + e.settings.authentication_timeout, {}};
  switch (line->method) {
    case config::AuthMethod::Trust: break;
    case config::AuthMethod::Reject:
      send_fatal(io, PgError::fatal(sqlstate::kInvalidAuthorizationSpecification, config::hba_reject_message(req)));
    case config::AuthMethod::Password: cleartext(ctx, role); break;
    case config::AuthMethod::Md5: md5_or_scram(ctx, role); break;
    case config::AuthMethod::ScramSha256: scram(ctx, role); break;
  }
  if (!role)
    send_fatal(io, PgError::role_does_not_exist(req.user));
  if (!role->login)
    send_fatal(io, PgError::fatal(sqlstate::kInvalidAuthorizationSpecification,
                                  "role \"" + req.user + "\" is not permitted to log in"));
  if (replication && !role->superuser && !role->replication)
    send_fatal(io, PgError::fatal(sqlstate::kInsufficientPrivilege,
                                  "must be superuser or replication role to start walsender"));
  g_session_user = role->name;
}

const std::string& session_user() { return g_session_user; }

}  // namespace pmemu::backend
