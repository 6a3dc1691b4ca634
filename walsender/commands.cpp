// The replication commands other than START_REPLICATION (SPEC 7), with the
// result shapes PostgreSQL 15's walsender sends.
#include <fstream>
#include <iterator>

#include "backup/base_backup.h"
#include "ipc/process_env.h"
#include "protocol/backend_messages.h"
#include "replication/repl_slots.h"
#include "walsender/walsender_proc.h"
#include "wal/segment.h"
#include "wal/xlog_ctl.h"

namespace pmemu::walsender {
namespace {

using protocol::Column;
using protocol::PgError;
namespace sqlstate = protocol::sqlstate;
namespace repl = protocol::repl;

Lsn flush_lsn() { return Lsn{ipc::env().areas.xlog->flushed.load(std::memory_order_acquire)}; }
TimeLineId current_tli() { return TimeLineId{ipc::env().areas.xlog->tli.load()}; }

std::optional<PgError> identify_system(WalSenderProc& p) {
  auto& out = p.conn.out();
  protocol::row_description(out, {Column{"systemid", protocol::kTextType}, Column{"timeline", protocol::kInt4Type},
                                  Column{"xlogpos", protocol::kTextType}, Column{"dbname", protocol::kTextType}});
  protocol::data_row(out, {std::to_string(ipc::env().system_identifier), std::to_string(current_tli().get()),
                           flush_lsn().str(), std::nullopt});
  protocol::command_complete(out, "IDENTIFY_SYSTEM");
  return std::nullopt;
}

std::optional<PgError> show(WalSenderProc& p, const repl::Show& s) {
  config::GucError gerr;
  auto v = ipc::env().config.show(s.name, &gerr);
  if (!v) return PgError::error(gerr.sqlstate, gerr.message);
  protocol::row_description(p.conn.out(), {Column{s.name, protocol::kTextType}});
  protocol::data_row(p.conn.out(), {*v});
  protocol::command_complete(p.conn.out(), "SHOW");
  return std::nullopt;
}

std::optional<PgError> timeline_history(WalSenderProc& p, const repl::TimelineHistory& t) {
  const std::string name = wal::history_file_name(t.timeline);
  const std::string path = ipc::env().data_dir + "/pg_wal/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return PgError::error(sqlstate::kUndefinedFile, "could not open file \"pg_wal/" + name + "\": No such file or directory");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  protocol::row_description(p.conn.out(), {Column{"filename", protocol::kTextType}, Column{"content", protocol::kTextType}});
  protocol::data_row(p.conn.out(), {name, content});
  protocol::command_complete(p.conn.out(), "TIMELINE_HISTORY");
  return std::nullopt;
}

std::optional<PgError> create_slot(WalSenderProc& p, const repl::CreateReplicationSlot& c) {
  if (auto err = repl::validate_slot_name(c.slot)) return err;
  // WAL from the segment now being written on is kept; the checkpointer
  // never removes that segment, so there is no window where it could vanish.
  Lsn restart = c.reserve_wal ? flush_lsn() : Lsn{};
  if (auto err = replication::create_slot(*p.ctl, ipc::env().data_dir, c.slot, c.temporary, p.me->pid.load(), restart,
                                        current_tli()))
    return err;
  protocol::row_description(p.conn.out(), {Column{"slot_name", protocol::kTextType},
                                           Column{"consistent_point", protocol::kTextType},
                                           Column{"snapshot_name", protocol::kTextType},
                                           Column{"output_plugin", protocol::kTextType}});
  protocol::data_row(p.conn.out(), {c.slot, restart.str(), std::nullopt, std::nullopt});
  protocol::command_complete(p.conn.out(), "CREATE_REPLICATION_SLOT");
  return std::nullopt;
}

std::optional<PgError> drop_slot(WalSenderProc& p, const repl::DropReplicationSlot& d) {
  if (auto err = replication::drop_slot(*p.ctl, ipc::env().data_dir, d.slot)) return err;
  protocol::command_complete(p.conn.out(), "DROP_REPLICATION_SLOT");
  return std::nullopt;
}

std::optional<PgError> read_slot(WalSenderProc& p, const repl::ReadReplicationSlot& r) {
  if (auto err = repl::validate_slot_name(r.slot)) return err;
  auto info = replication::read_slot(*p.ctl, ipc::env().data_dir, r.slot);
  protocol::row_description(p.conn.out(), {Column{"slot_type", protocol::kTextType},
                                           Column{"restart_lsn", protocol::kTextType},
                                           Column{"restart_tli", protocol::kInt8Type}});
  if (!info) {
    protocol::data_row(p.conn.out(), {std::nullopt, std::nullopt, std::nullopt});
  } else if (!info->restart_lsn.valid()) {
    protocol::data_row(p.conn.out(), {std::string("physical"), std::nullopt, std::nullopt});
  } else {
    protocol::data_row(p.conn.out(), {std::string("physical"), info->restart_lsn.str(),
                                      std::to_string(info->restart_tli.get())});
  }
  protocol::command_complete(p.conn.out(), "READ_REPLICATION_SLOT");
  return std::nullopt;
}

std::optional<PgError> base_backup(WalSenderProc& p, const repl::BaseBackup& b) {
  auto opts = backup::parse_base_backup_options(b);
  if (auto* err = std::get_if<PgError>(&opts)) return *err;
  p.set_state(replication::WalSndState::Backup);
  p.set_title("sending backup");
  backup::BackupIo io{p.conn.out(), [&] { return flush_all(p); }, [&] {
                        nap(p, 10);
                        return true;
                      }};
  auto& e = ipc::env();
  const backup::BackupSource src{e.data_dir, e.wal_segment_size, e.areas.recovery, e.areas.checkpointer, e.areas.xlog};
  auto err = backup::send_base_backup(src, std::get<backup::BaseBackupOptions>(opts), io);
  p.set_state(replication::WalSndState::Startup);
  if (err) return err;
  protocol::command_complete(p.conn.out(), "BASE_BACKUP");
  return std::nullopt;
}

}  // namespace

std::optional<PgError> exec_command(WalSenderProc& p, const repl::Command& cmd) {
  if (p.state() == replication::WalSndState::Stopping)
    return PgError::error(sqlstate::kObjectNotInPrerequisiteState, "cannot execute new commands while WAL sender is in stopping mode");
  return std::visit(
      [&](const auto& c) -> std::optional<PgError> {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, repl::Empty>) {
          protocol::empty_query_response(p.conn.out());
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, repl::IdentifySystem>) {
          return identify_system(p);
        } else if constexpr (std::is_same_v<T, repl::Show>) {
          return show(p, c);
        } else if constexpr (std::is_same_v<T, repl::TimelineHistory>) {
          return timeline_history(p, c);
        } else if constexpr (std::is_same_v<T, repl::StartReplication>) {
          return start_replication(p, c);
        } else if constexpr (std::is_same_v<T, repl::CreateReplicationSlot>) {
          return create_slot(p, c);
        } else if constexpr (std::is_same_v<T, repl::DropReplicationSlot>) {
          return drop_slot(p, c);
        } else if constexpr (std::is_same_v<T, repl::ReadReplicationSlot>) {
          return read_slot(p, c);
        } else {
          return base_backup(p, c);
        }
      },
      cmd);
}

}  // namespace pmemu::walsender
