#include "backend/executor.h"

#include <chrono>
#include <cmath>
#include <csignal>

#include "backend/keepalive.h"
#include "backend/role_commands.h"
#include "backend/session_exit.h"
#include "backend/stat_views.h"
#include "faults/registry.h"
#include "backend/sync_wait.h"
#include "checkpoint/checkpoint_request.h"
#include "common/elog.h"
#include "ipc/process_env.h"
#include "ipc/wait.h"
#include "replication/walsnd_ctl.h"
#include "kv/kv_table.h"
#include "protocol/backend_messages.h"
#include "recovery/recovery_shmem.h"
#include "replication/walrcv_data.h"
#include "wal/record.h"

namespace pmemu::backend {
namespace {

using protocol::PgError;
namespace sqlstate = protocol::sqlstate;
namespace sql = protocol::sql;
using Col = protocol::Column;

constexpr protocol::ColumnType kPgLsnType{3220, 8};
constexpr protocol::ColumnType kVoidType{2278, 4};

std::string bytes_setting(std::uint64_t bytes) {
  if (bytes % (1024ull * 1024 * 1024) == 0) return std::to_string(bytes >> 30) + "GB";
  if (bytes % (1024ull * 1024) == 0) return std::to_string(bytes >> 20) + "MB";
  return std::to_string(bytes >> 10) + "kB";
}

PgError table_full() {
  return PgError::error(sqlstate::kDiskFull, "could not write to table \"kv\": kv_table_size (" +
                                                 bytes_setting(ipc::env().settings.kv_table_size_bytes) +
                                                 ") is full")
      .with_hint("Delete rows, or raise kv_table_size in postgresql.conf and restart the server.");
}

bool in_recovery() { return ipc::env().areas.recovery->in_recovery.load(std::memory_order_acquire) != 0; }

// Writes on a standby are refused as PostgreSQL refuses them in a read-only transaction.
std::optional<PgError> refuse_write_in_recovery(const char* command) {
  if (!in_recovery()) return std::nullopt;
  return PgError::error(sqlstate::kReadOnlySqlTransaction,
                        std::string("cannot execute ") + command + " in a read-only transaction");
}

PgError recovery_in_progress() {
  return PgError::error(sqlstate::kObjectNotInPrerequisiteState, "recovery is in progress")
      .with_hint("WAL control functions cannot be executed during recovery.");
}

}  // namespace

Executor::Executor(ClientIo& io) : io_(io) {}

wal::Xlog& Executor::xlog() {
  if (!xlog_) {
    auto& e = ipc::env();
    xlog_ = std::make_unique<wal::Xlog>(e.areas.xlog, e.data_dir + "/pg_wal", wal::FsyncEnabled{e.settings.fsync},
                                        [](const std::string& why) { elog::log(elog::Level::Panic, why); });
    xlog_->set_on_flushed(replication::announcer(e.areas.walsnd));  // flushed WAL is what walsenders may send
  }
  xlog_->set_fsync(wal::FsyncEnabled{ipc::env().settings.fsync});
  return *xlog_;
}

namespace {
// The ERROR of a fault point armed with `error`: the statement fails, the
// session goes on (what it did before the point stays done).
PgError fault_error(std::string_view point) {
  return PgError::error(sqlstate::kInternalError, "fault point \"" + std::string(point) + "\" fired");
}
}  // namespace

std::optional<PgError> Executor::commit(Lsn end) {
  if (FAULT_POINT("backend.after_wal_insert_before_flush")) return fault_error("backend.after_wal_insert_before_flush");
  if (ipc::env().settings.synchronous_commit != config::SyncCommit::Off) {
    xlog().flush(end);
    // A cancelled wait is only a WARNING: the row is committed locally.
    if (auto warning = wait_for_sync_rep(end, io_)) protocol::notice_response(io_.out(), *warning);
  }
  if (FAULT_POINT("backend.before_commit_reply")) return fault_error("backend.before_commit_reply");
  return std::nullopt;
}

// Rows a reader sees must not vanish in a crash: make everything inserted so
// far durable first (usually a no-op, or a share of a concurrent group flush).
// Readers take `written()` (lock-free) while holding the table lock: every
// row they can see was logged by an insert that completed before the row
// was applied, so its record ends at or below `written()`; the WAL insert
// lock stays off the read path.
void Executor::make_visible_durable(Lsn upto) {
  if (ipc::env().settings.synchronous_commit != config::SyncCommit::Off && xlog().flushed() < upto) {
    xlog().flush(upto);
  }
}

std::optional<PgError> Executor::check_sizes(const std::string& k, const std::string& v) {
  if (k.size() > kv::kMaxKeyBytes)
    return PgError::error(sqlstate::kProgramLimitExceeded, "key is too long: " + std::to_string(k.size()) +
                                                               " bytes, the maximum is " +
                                                               std::to_string(kv::kMaxKeyBytes));
  if (v.size() > kv::kMaxValueBytes)
    return PgError::error(sqlstate::kProgramLimitExceeded, "value is too long: " + std::to_string(v.size()) +
                                                               " bytes, the maximum is " +
                                                               std::to_string(kv::kMaxValueBytes));
  return std::nullopt;
}

std::optional<PgError> Executor::insert(const sql::Insert& s) {
  if (auto err = refuse_write_in_recovery("INSERT")) return err;
  if (auto err = check_sizes(s.k, s.v)) return err;
  auto& e = ipc::env();
  Lsn end;
  {
    auto t = e.areas.kv->lock();
    const bool exists = t.contains(s.k);
    if (exists && s.on_conflict == sql::OnConflict::Error)
      return PgError::error(sqlstate::kUniqueViolation, "duplicate key value violates unique constraint \"kv_pkey\"")
          .with_detail("Key (k)=(" + s.k + ") already exists.");
    if (exists && s.on_conflict == sql::OnConflict::Nothing) {
      protocol::command_complete(io_.out(), "INSERT 0 0");
      return std::nullopt;
    }
    if (!t.can_put(s.k, s.v.size())) return table_full();
    auto payload = wal::pack_kv_put(s.k, s.v);
    end = xlog().insert(exists ? wal::RecordType::KvUpdate : wal::RecordType::KvInsert, payload);
    t.put(s.k, s.v, end);
  }
  if (auto err = commit(end)) return err;
  protocol::command_complete(io_.out(), "INSERT 0 1");
  return std::nullopt;
}

std::optional<PgError> Executor::update(const sql::Update& s) {
  if (auto err = refuse_write_in_recovery("UPDATE")) return err;
  if (auto err = check_sizes(s.k, s.v)) return err;
  auto& e = ipc::env();
  Lsn end;
  {
    auto t = e.areas.kv->lock();
    if (!t.contains(s.k)) {
      protocol::command_complete(io_.out(), "UPDATE 0");
      return std::nullopt;
    }
    if (!t.can_put(s.k, s.v.size())) return table_full();
    end = xlog().insert(wal::RecordType::KvUpdate, wal::pack_kv_put(s.k, s.v));
    t.put(s.k, s.v, end);
  }
  if (auto err = commit(end)) return err;
  protocol::command_complete(io_.out(), "UPDATE 1");
  return std::nullopt;
}

std::optional<PgError> Executor::erase(const sql::Delete& s) {
  if (auto err = refuse_write_in_recovery("DELETE")) return err;
  auto& e = ipc::env();
  Lsn end;
  {
    auto t = e.areas.kv->lock();
    if (!t.contains(s.k)) {
      protocol::command_complete(io_.out(), "DELETE 0");
      return std::nullopt;
    }
    end = xlog().insert(wal::RecordType::KvDelete, wal::pack_kv_delete(s.k));
    (void)t.erase(s.k);
  }
  if (auto err = commit(end)) return err;
  protocol::command_complete(io_.out(), "DELETE 1");
  return std::nullopt;
}

std::optional<PgError> Executor::select_value(const sql::SelectValue& s) {
  std::optional<std::string> value;
  Lsn seen;
  {
    auto t = ipc::env().areas.kv->lock();
    if (auto v = t.get(s.k)) value = std::string(*v);
    seen = xlog().written();
  }
  make_visible_durable(seen);
  protocol::row_description(io_.out(), {Col{"v", protocol::kTextType}});
  if (value) protocol::data_row(io_.out(), {*value});
  protocol::command_complete(io_.out(), value ? "SELECT 1" : "SELECT 0");
  return std::nullopt;
}

std::optional<PgError> Executor::select_rows(const sql::SelectRows& s) {
  std::vector<std::pair<std::string, std::string>> rows;
  Lsn seen;
  std::optional<std::size_t> limit;
  if (s.limit) limit = static_cast<std::size_t>(*s.limit < 0 ? 0 : *s.limit);
  {
    auto t = ipc::env().areas.kv->lock();
    t.scan(s.order_by_k, limit, [&](std::string_view k, std::string_view v) { rows.emplace_back(k, v); });
    seen = xlog().written();
  }
  make_visible_durable(seen);
  protocol::row_description(io_.out(), {Col{"k", protocol::kTextType}, Col{"v", protocol::kTextType}});
  for (auto& [k, v] : rows) {
    protocol::data_row(io_.out(), {k, v});
    io_.flush_if_full();  // a large result streams out instead of piling up
  }
  protocol::command_complete(io_.out(), "SELECT " + std::to_string(rows.size()));
  return std::nullopt;
}

std::optional<PgError> Executor::select_count() {
  std::size_t n;
  Lsn seen;
  {
    auto t = ipc::env().areas.kv->lock();
    n = t.count();
    seen = xlog().written();
  }
  make_visible_durable(seen);
  protocol::row_description(io_.out(), {Col{"count", protocol::kInt8Type}});
  protocol::data_row(io_.out(), {std::to_string(n)});
  protocol::command_complete(io_.out(), "SELECT 1");
  return std::nullopt;
}

std::optional<PgError> Executor::select_const(const sql::SelectConst& s) {
  auto type = protocol::kTextType;
  if (s.value.kind == sql::Literal::Kind::Integer) type = protocol::kInt4Type;
  if (s.value.kind == sql::Literal::Kind::Numeric) type = protocol::kNumericType;
  protocol::row_description(io_.out(), {Col{"?column?", type}});
  protocol::data_row(io_.out(), {s.value.text});
  protocol::command_complete(io_.out(), "SELECT 1");
  return std::nullopt;
}

std::optional<PgError> Executor::checkpoint() {
  // On a standby the checkpointer makes a restartpoint instead.
  std::optional<PgError> interrupted;
  auto outcome = checkpoint::request_checkpoint_and_wait(*ipc::env().areas.checkpointer, [&] {
    interrupted = interruptible_wait(5);
    return !interrupted;
  });
  if (interrupted) return interrupted;
  if (outcome != checkpoint::RequestOutcome::Done)
    return PgError::error(sqlstate::kInternalError, "checkpoint request failed")
        .with_hint("Consult recent messages in the server log for details.");
  protocol::command_complete(io_.out(), "CHECKPOINT");
  return std::nullopt;
}

std::optional<PgError> Executor::show(const sql::Show& s) {
  auto& cfg = ipc::env().config;
  if (s.all()) {
    protocol::row_description(io_.out(), {Col{"name", protocol::kTextType}, Col{"setting", protocol::kTextType},
                                          Col{"description", protocol::kTextType}});
    auto rows = cfg.show_all();
    for (auto& r : rows) protocol::data_row(io_.out(), {r.name, r.setting, r.description});
    protocol::command_complete(io_.out(), "SHOW");
    return std::nullopt;
  }
  config::GucError gerr;
  auto v = cfg.show(s.name, &gerr);
  if (!v) return PgError::error(gerr.sqlstate, gerr.message);
  protocol::row_description(io_.out(), {Col{s.name, protocol::kTextType}});
  protocol::data_row(io_.out(), {*v});
  protocol::command_complete(io_.out(), "SHOW");
  return std::nullopt;
}

std::optional<PgError> Executor::interruptible_wait(int ms) {
  ipc::WaitSpec w;
  w.timeout_ms = ms;
  if (ipc::wait_on_my_latch(w) & ipc::kWaitPostmasterDeath)
    fatal_exit(io_, PgError::postmaster_died());
  if (auto why = process_interrupts(io_, InStatement{true}); why != Cancel::None) return cancel_error(why);
  return std::nullopt;
}

std::optional<PgError> Executor::sleep(double seconds) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::microseconds(static_cast<long long>(seconds * 1e6));
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (auto err = interruptible_wait(static_cast<int>(std::clamp<long long>(left, 1, 1000)))) return err;
  }
  protocol::row_description(io_.out(), {Col{"pg_sleep", kVoidType}});
  protocol::data_row(io_.out(), {std::string()});
  protocol::command_complete(io_.out(), "SELECT 1");
  return std::nullopt;
}

std::optional<PgError> Executor::function(const sql::SelectFunction& s) {
  const std::string name(sql::function_name(s.function));
  auto one = [&](protocol::ColumnType type, std::optional<std::string> value) {
    protocol::row_description(io_.out(), {Col{name, type}});
    protocol::data_row(io_.out(), {std::move(value)});
    protocol::command_complete(io_.out(), "SELECT 1");
    return std::nullopt;
  };
  switch (s.function) {
    case sql::Function::PgCurrentWalLsn:
      if (in_recovery()) return recovery_in_progress();
      return one(kPgLsnType, xlog().insert_position().str());
    case sql::Function::PgCurrentWalFlushLsn:
      if (in_recovery()) return recovery_in_progress();
      return one(kPgLsnType, xlog().flushed().str());
    case sql::Function::PgLastWalReceiveLsn: {
      // NULL unless this server has streamed WAL (a standby, or one promoted from it).
      Lsn v{ipc::env().areas.walrcv->flushed_upto.load()};
      return one(kPgLsnType, v.valid() ? std::optional<std::string>(v.str()) : std::nullopt);
    }
    case sql::Function::PgLastWalReplayLsn: {
      auto& rec = *ipc::env().areas.recovery;
      Lsn v{rec.replayed_upto.load()};
      const bool shown = rec.standby.load() != 0 || ipc::env().areas.walrcv->flushed_upto.load().valid();
      return one(kPgLsnType, shown && v.valid() ? std::optional<std::string>(v.str()) : std::nullopt);
    }
    case sql::Function::PgIsInRecovery: return one(protocol::kBoolType, std::string(in_recovery() ? "t" : "f"));
    case sql::Function::PgBackendPid: return one(protocol::kInt4Type, std::to_string(::getpid()));
    case sql::Function::Version:
      return one(protocol::kTextType, std::string("PostgreSQL 15.18 (pmemu 0.1.0) on x86_64-pc-linux-gnu"));
    case sql::Function::PgSwitchWal: {
      if (in_recovery()) return recovery_in_progress();
      Lsn at = xlog().switch_segment();
      xlog().flush(at);
      return one(kPgLsnType, at.str());
    }
    case sql::Function::PgSleep: {
      double secs = 0;
      if (s.argument) {
        try {
          secs = std::stod(s.argument->text);
        } catch (...) {
          return PgError::error(sqlstate::kInvalidParameterValue,
                                "invalid input syntax for type double precision: \"" + s.argument->text + "\"");
        }
      }
      if (!(secs >= 0) || !std::isfinite(secs)) secs = 0;
      return sleep(secs);
    }
  }
  return PgError::error(sqlstate::kFeatureNotSupported, "function not supported: " + name);
}

std::optional<PgError> Executor::view(const sql::SelectView& s) {
  switch (s.view) {
    case sql::StatView::PgStatActivity: write_pg_stat_activity(io_.out()); return std::nullopt;
    case sql::StatView::PgStatReplication: write_pg_stat_replication(io_.out()); return std::nullopt;
    case sql::StatView::PgStatWalReceiver: write_pg_stat_wal_receiver(io_.out()); return std::nullopt;
    case sql::StatView::PgStatImessage: write_pg_stat_imessage(io_.out()); return std::nullopt;
    case sql::StatView::PgFaultPoints: write_pg_fault_points(io_.out()); return std::nullopt;
  }
  return std::nullopt;
}

std::optional<PgError> Executor::set(const sql::Set& s) {
  auto& e = ipc::env();
  auto err = s.value ? e.config.set_session(s.name, *s.value) : e.config.reset_session(s.name);
  if (err) return PgError::error(err->sqlstate, err->message);
  e.settings = e.config.settings();
  apply_tcp_keepalives(io_.fd(), e.settings);
  protocol::command_complete(io_.out(), "SET");
  return std::nullopt;
}

std::optional<PgError> Executor::run(const sql::ParsedStatement& ps) {
  return std::visit(
      [&](const auto& st) -> std::optional<PgError> {
        using T = std::decay_t<decltype(st)>;
        if constexpr (std::is_same_v<T, sql::Insert>) return insert(st);
        else if constexpr (std::is_same_v<T, sql::Update>) return update(st);
        else if constexpr (std::is_same_v<T, sql::Delete>) return erase(st);
        else if constexpr (std::is_same_v<T, sql::SelectValue>) return select_value(st);
        else if constexpr (std::is_same_v<T, sql::SelectRows>) return select_rows(st);
        else if constexpr (std::is_same_v<T, sql::SelectCount>) return select_count();
        else if constexpr (std::is_same_v<T, sql::SelectConst>) return select_const(st);
        else if constexpr (std::is_same_v<T, sql::Checkpoint>) return checkpoint();
        else if constexpr (std::is_same_v<T, sql::Show>) return show(st);
        else if constexpr (std::is_same_v<T, sql::SelectFunction>) return function(st);
        else if constexpr (std::is_same_v<T, sql::SelectView>) return view(st);
        else if constexpr (std::is_same_v<T, sql::Set>) return set(st);
        else if constexpr (std::is_same_v<T, sql::CreateRole>) {
          if (auto err = refuse_write_in_recovery("CREATE ROLE")) return err;
          return create_role(io_.out(), st);
        } else if constexpr (std::is_same_v<T, sql::AlterRole>) {
          if (auto err = refuse_write_in_recovery("ALTER ROLE")) return err;
          return alter_role(io_.out(), st);
        } else if constexpr (std::is_same_v<T, sql::DropRole>) {
          if (auto err = refuse_write_in_recovery("DROP ROLE")) return err;
          return drop_role(io_.out(), st);
        }
        else if constexpr (std::is_same_v<T, sql::Rejected>) return st.error;
        else
          return PgError::error(sqlstate::kFeatureNotSupported,
                                "transaction blocks are not supported: every statement commits on its own (" +
                                    ps.text + ")");
      },
      ps.statement);
}

}  // namespace pmemu::backend
