// A connection child: start-up packet, refusal or authentication, then the
// simple-query loop of a client backend.
#include "backend/backend_main.h"

#include <chrono>
#include <csignal>
#include <random>
#include <sys/socket.h>
#include <unistd.h>

#include "backend/authenticate.h"
#include "backend/keepalive.h"
#include "backend/client_io.h"
#include "backend/executor.h"
#include "backend/session_exit.h"
#include "backend/startup_settings.h"
#include "backend/timeouts.h"
#include "common/elog.h"
#include "config/hba.h"
#include "config/roles.h"
#include "faults/registry.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "protocol/backend_messages.h"
#include "protocol/frontend.h"
#include "protocol/sql.h"
#include "protocol/utf8.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "recovery/recovery_shmem.h"

namespace pmemu::backend {
namespace {

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;
using Clock = std::chrono::steady_clock;

std::string host_port(const ConnectionStart& cs) {
  if (cs.is_unix) return "[local]";
  return cs.remote_host + "(" + std::to_string(cs.remote_port) + ")";
}

PgError refusal(Admission a) {
  const auto code = sqlstate::kCannotConnectNow;
  switch (a) {
    case Admission::StartingUp: return PgError::fatal(code, "the database system is starting up");
    case Admission::ShuttingDown: return PgError::fatal(code, "the database system is shutting down");
    case Admission::NotConsistent:
      return PgError::fatal(code, "the database system is not yet accepting connections")
          .with_detail("Consistent recovery state has not been yet reached.");
    case Admission::HotStandbyOff:
      return PgError::fatal(code, "the database system is not accepting connections")
          .with_detail("Hot standby mode is disabled.");
    case Admission::InRecoveryMode: return PgError::fatal(code, "the database system is in recovery mode");
    case Admission::TooMany: return PgError::fatal(sqlstate::kTooManyConnections, "sorry, too many clients already");
    case Admission::Ok: break;
  }
  return PgError::fatal(code, "the database system is not accepting connections");
}

// Reads the start-up packet within authentication_timeout, answering
// SSLRequest/GSSENCRequest with 'N'. A client that goes away or times out
// ends the process quietly (exit 0/1), as PostgreSQL's does. Bytes the
// client sent after the packet (a pipelined Query) are left in *rest.
protocol::StartupDecodeValue read_startup(ClientIo& io, std::string* rest) {
  std::string buf;
  protocol::StartupState state;
  auto deadline = Clock::now() + ipc::env().settings.authentication_timeout;
  for (;;) {
    auto d = protocol::decode_startup_packet(buf, state);
    if (!std::holds_alternative<protocol::NeedMoreInput>(d.value)) {
      buf.erase(0, d.consumed);
      if (std::holds_alternative<protocol::SslRequest>(d.value) ||
          std::holds_alternative<protocol::GssEncRequest>(d.value)) {
        if (std::holds_alternative<protocol::SslRequest>(d.value)) state.ssl_done = true;
        else state.gss_done = true;
        io.out().push_back('N');
        if (!io.flush()) backend_exit(nullptr, 0);
        continue;
      }
      *rest = std::move(buf);
      return d.value;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) backend_exit(nullptr, 1);
    auto r = io.read_some(&buf, static_cast<int>(left));
    if (r == ClientIo::ReadOutcome::Closed) {
      if (!buf.empty()) elog::log(elog::Level::Log, "incomplete startup packet");
      backend_exit(nullptr, 0);
    }
    if (r == ClientIo::ReadOutcome::PostmasterDied) backend_exit(nullptr, 1);
    if (ipc::pending(ipc::Sig::Quit)) _exit(2);
    if (ipc::take(ipc::Sig::Term)) backend_exit(nullptr, 1);
  }
}

// Only a live client backend whose key matches is signalled. A free slot
// holds pid 0, and kill(0, ...) would reach our whole process group, so a
// request naming pid 0 (or any non-positive pid) matches nothing.
[[noreturn]] void handle_cancel(const protocol::CancelRequest& c) {
  const pid_t wanted = c.pid.get();
  auto* procs = ipc::env().areas.procs;
  for (std::uint32_t i = 0; wanted > 0 && i < procs->count; ++i) {
    auto& s = procs->slots[i];
    if (s.pid.load(std::memory_order_acquire) != wanted) continue;
    auto snap = shmem::proc_slot_read(s);
    const auto key = static_cast<std::uint32_t>(s.cancel_key.load(std::memory_order_relaxed));
    if (snap.pid != wanted || snap.backend_type != "client backend") continue;
    if (key != c.key) {
      elog::log(elog::Level::Log, "wrong key in cancel request for process " + std::to_string(wanted));
      _exit(0);
    }
    ::kill(wanted, SIGINT);
    _exit(0);
  }
  elog::log(elog::Level::Log, "PID " + std::to_string(wanted) + " in cancel request did not match any process");
  _exit(0);
}

bool role_is_superuser(std::string_view user) {
  const auto* role = ipc::env().roles->find(user);
  return role && role->superuser;
}

// is_superuser is reported at start and by SHOW for the role that logged in.
void note_superuser(config::Config& cfg, std::string_view user) {
  (void)cfg.set_internal("is_superuser", role_is_superuser(user) ? "on" : "off");
}

// A physical walsender reports SQL_ASCII encodings, as PostgreSQL 15 does.
void send_session_start(ClientIo& io, const protocol::StartupMessage& sm, std::uint32_t cancel_key,
                        ForReplication replication) {
  auto& out = io.out();
  auto& e = ipc::env();
  protocol::auth_ok(out);
  std::string client_encoding = "UTF8";
  const bool standby = e.areas.recovery->in_recovery.load() != 0;
  if (auto ce = sm.param("client_encoding"); ce && (*ce == "SQL_ASCII" || *ce == "sql_ascii")) client_encoding = "SQL_ASCII";
  if (replication) client_encoding = "SQL_ASCII";
  const std::pair<const char*, std::string> params[] = {
      {"application_name", e.settings.application_name},
      {"client_encoding", client_encoding},
      {"DateStyle", "ISO, MDY"},
      {"default_transaction_read_only", standby ? "on" : "off"},
      {"in_hot_standby", standby ? "on" : "off"},
      {"integer_datetimes", "on"},
      {"IntervalStyle", "postgres"},
      {"is_superuser", *e.config.show("is_superuser")},
      {"server_encoding", replication ? "SQL_ASCII" : "UTF8"},
      {"server_version", "15.18"},
      {"session_authorization", std::string(sm.user())},
      {"standard_conforming_strings", "on"},
      {"TimeZone", "UTC"},
  };
  for (auto& [name, value] : params) protocol::parameter_status(out, name, value);
  protocol::backend_key_data(out, Pid{::getpid()}, cancel_key);
  protocol::ready_for_query(out, protocol::TransactionStatus::Idle);
}

// The simple-query loop. Extended-protocol messages get one clear error and
// are skipped until Sync, as PostgreSQL skips after an error.
[[noreturn]] void session_loop(ClientIo& io, const std::string& title_prefix, const std::string& pipelined) {
  auto* slot = ipc::my_proc_slot();
  protocol::FrameDecoder frames;
  frames.feed(pipelined);
  Executor exec(io);
  bool skip_until_sync = false;
  std::string inbuf;
  // Set while the session waits for its next message (idle_session_timeout).
  bool idle = false;
  Clock::time_point idle_since;
  for (;;) {
    (void)process_interrupts(io, InStatement{false});
    io.flush_if_full();  // answers to a pipeline go out as they pile up
    auto next = frames.next();
    if (auto* err = std::get_if<PgError>(&next)) fatal_exit(io, *err);
    if (std::holds_alternative<protocol::NeedMoreInput>(next)) {
      if (!io.flush()) backend_exit(nullptr, 0);
      if (!idle) idle_since = Clock::now();
      idle = true;
      int timeout_ms = -1;
      if (auto limit = ipc::env().settings.idle_session_timeout; limit.count() > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(idle_since + limit - Clock::now());
        if (left.count() <= 0)
          fatal_exit(io, PgError::idle_session_timeout());
        timeout_ms = static_cast<int>(std::min<long long>(left.count(), 1 << 30));
      }
      inbuf.clear();
      auto r = io.read_some(&inbuf, timeout_ms);
      if (r == ClientIo::ReadOutcome::Closed) backend_exit(nullptr, 0);
      if (r == ClientIo::ReadOutcome::PostmasterDied) die_for_postmaster_death(io);
      frames.feed(inbuf);
      continue;
    }
    idle = false;
    auto parsed = protocol::parse_frontend_message(std::get<protocol::FrontendMessage>(next));
    if (auto* perr = std::get_if<PgError>(&parsed)) fatal_exit(io, *perr);
    auto& cmd = std::get<protocol::FrontendCommand>(parsed);
    if (std::holds_alternative<protocol::Terminate>(cmd)) backend_exit(&io, 0);
    if (std::holds_alternative<protocol::Sync>(cmd)) {
      skip_until_sync = false;
      protocol::ready_for_query(io.out(), protocol::TransactionStatus::Idle);
      continue;
    }
    if (std::holds_alternative<protocol::Flush>(cmd)) {
      if (!io.flush()) backend_exit(nullptr, 0);
      continue;
    }
    if (std::holds_alternative<protocol::ExtendedQuery>(cmd)) {
      if (!skip_until_sync)
        protocol::error_response(io.out(), PgError::extended_query_not_supported());
      skip_until_sync = true;
      continue;
    }
    auto* q = std::get_if<protocol::Query>(&cmd);
    if (!q) {
      // CopyData/CopyDone/CopyFail/PasswordMessage outside their phase.
      fatal_exit(io, PgError::fatal(sqlstate::kProtocolViolation, "unexpected message type outside its protocol phase"));
    }
    shmem::proc_slot_set_activity(*slot, "active", q->sql);
    ipc::set_ps_title(title_prefix + " active");
    start_statement_timeout(ipc::env().settings.statement_timeout);
    auto statements = protocol::sql::parse_query(q->sql);
    if (auto* serr = std::get_if<PgError>(&statements)) {
      elog::log_statement(elog::Level::Error, serr->message, q->sql);
      protocol::error_response(io.out(), *serr);
    } else if (std::get<0>(statements).empty()) {
      protocol::empty_query_response(io.out());
    } else {
      for (auto& st : std::get<0>(statements)) {
        if (auto err = exec.run(st)) {
          elog::log_statement(elog::Level::Error, err->message, q->sql);
          protocol::error_response(io.out(), *err);
          break;
        }
      }
    }
    stop_statement_timeout();
    protocol::ready_for_query(io.out(), protocol::TransactionStatus::Idle);
    shmem::proc_slot_set_activity(*slot, "idle", q->sql);
    ipc::set_ps_title(title_prefix + " idle");
  }
}

}  // namespace

void backend_main(const ConnectionStart& cs) {
  using ipc::Sig;
  ipc::catch_signal(SIGTERM, Sig::Term);
  ipc::catch_signal(SIGINT, Sig::Int);
  ipc::catch_signal(SIGQUIT, Sig::Quit);
  ipc::catch_signal(SIGHUP, Sig::Hup);
  ipc::catch_signal(SIGUSR1, Sig::Usr1);
  ipc::catch_signal(SIGALRM, Sig::Alrm);
  ipc::set_ps_title("client " + host_port(cs));
  ClientIo io(cs.sock_fd);

  std::string pipelined;
  auto first = read_startup(io, &pipelined);
  if (auto* c = std::get_if<protocol::CancelRequest>(&first)) handle_cancel(*c);
  if (auto* err = std::get_if<PgError>(&first)) {
    elog::log(elog::Level::Log, err->message);
    protocol::error_response(io.out(), *err);
    backend_exit(&io, 1);
  }
  auto& sm = std::get<protocol::StartupMessage>(first);
  for (auto& [name, value] : sm.params) {
    if (name != "user" && name != "database") continue;
    if (auto bad = protocol::check_utf8(value)) fatal_exit(io, *bad);
    value = protocol::clip_utf8(value);  // as PostgreSQL cuts names to NAMEDATALEN-1
  }
  if (cs.admission != Admission::Ok) refuse(io, refusal(cs.admission));

  auto& e = ipc::env();
  auto mode_or = protocol::replication_mode(sm);
  if (auto* merr = std::get_if<PgError>(&mode_or)) fatal_exit(io, *merr);
  auto mode = std::get<protocol::ReplicationMode>(mode_or);
  if (mode == protocol::ReplicationMode::Logical)
    fatal_exit(io, PgError::fatal(sqlstate::kFeatureNotSupported, "logical replication is not offered by this server"));

  std::uint32_t cancel_key = std::random_device{}();
  if (mode == protocol::ReplicationMode::Physical) {
    // Walsenders take no max_connections place: max_wal_senders bounds them
    // (checked by walsender_main before the start-up messages go out).
    shmem::mark_child_active(*e.areas.pmsignal, e.my_slot);
    shmem::proc_slot_begin(*ipc::my_proc_slot(), ::getpid(), static_cast<std::int32_t>(cancel_key), "walsender");
    authenticate(io, cs, sm, ForReplication{true});
    if (auto err = apply_startup_settings(sm, e.config)) fatal_exit(io, *err);
    note_superuser(e.config, sm.user());
    e.settings = e.config.settings();
    apply_tcp_keepalives(io.fd(), e.settings);
    shmem::proc_slot_set_identity(*ipc::my_proc_slot(), cs.remote_host, e.settings.application_name,
                                  std::string(sm.user()));
    send_session_start(io, sm, cancel_key, ForReplication{true});
    replication::WalSenderStart ws;
    ws.sock_fd = io.fd();
    ws.user = std::string(sm.user());
    ws.client_addr = cs.is_unix ? std::string() : cs.remote_host;
    ws.host_port = host_port(cs);
    ws.application_name = e.settings.application_name;
    ws.startup_messages = std::move(io.out());
    ws.pipelined_input = std::move(pipelined);
    cs.become_walsender(ws);
    _exit(1);  // not reached: the walsender leaves with _exit
  }
  shmem::mark_child_active(*e.areas.pmsignal, e.my_slot);
  auto* slot = ipc::my_proc_slot();
  shmem::proc_slot_begin(*slot, ::getpid(), static_cast<std::int32_t>(cancel_key), "client backend");

  const int sessions_before = e.areas.procs->client_backends.fetch_add(1);
  if (sessions_before >= e.settings.max_connections) {
    e.areas.procs->client_backends.fetch_sub(1);
    refuse(io, refusal(Admission::TooMany));
  }
  note_counted_as_client_backend();
  if (FAULT_POINT("backend.before_auth"))  // no statement yet: `error` ends the connection
    fatal_exit(io, PgError::fatal(sqlstate::kInternalError, "fault point \"backend.before_auth\" fired"));
  authenticate(io, cs, sm, ForReplication{false});
  if (sessions_before >= e.settings.max_connections - e.settings.superuser_reserved_connections) {
    if (!role_is_superuser(sm.user()))
      fatal_exit(io, PgError::fatal(sqlstate::kTooManyConnections,
                                    "remaining connection slots are reserved for non-replication superuser connections"));
  }

  if (auto err = apply_startup_settings(sm, e.config)) fatal_exit(io, *err);
  note_superuser(e.config, sm.user());
  e.settings = e.config.settings();
  apply_tcp_keepalives(io.fd(), e.settings);
  shmem::proc_slot_set_identity(*slot, cs.remote_host, e.settings.application_name, std::string(sm.user()));
  shmem::proc_slot_set_activity(*slot, "idle", "");
  const std::string title = std::string(sm.user()) + " " + std::string(sm.database()) + " " + host_port(cs);
  ipc::set_ps_title(title + " idle");
  send_session_start(io, sm, cancel_key, ForReplication{false});
  session_loop(io, title, pipelined);
}

}  // namespace pmemu::backend
