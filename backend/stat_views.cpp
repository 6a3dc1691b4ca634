#include "backend/stat_views.h"

#include "ipc/process_env.h"
#include "protocol/backend_messages.h"
#include "shmem/proc_slots.h"
#include "replication/sync_release.h"
#include "replication/walsnd_ctl.h"

#include <ctime>
#include "wal/lsn.h"
#include "replication/walrcv_data.h"

namespace pmemu::backend {
namespace {
using Col = protocol::Column;
constexpr protocol::ColumnType kPgLsn{3220, 8};
constexpr protocol::ColumnType kInet{869, -1};

std::optional<std::string> or_null(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

std::optional<std::string> lsn_or_null(Lsn l) {
  if (!l.valid()) return std::nullopt;
  return l.str();
}

// PostgreSQL-epoch microseconds as timestamptz text in UTC.
std::optional<std::string> pg_time_or_null(std::int64_t pg_micros) {
  if (pg_micros == 0) return std::nullopt;
  constexpr std::int64_t kPgEpochUnixSeconds = 946684800;
  const std::int64_t unix_us = pg_micros + kPgEpochUnixSeconds * 1000000;
  std::time_t secs = static_cast<std::time_t>(unix_us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06lld+00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(unix_us % 1000000));
  return std::string(buf);
}
}  // namespace

void write_pg_stat_activity(protocol::Buffer& out) {
  protocol::row_description(out, {Col{"pid", protocol::kInt4Type}, Col{"backend_type", protocol::kTextType},
                                  Col{"state", protocol::kTextType}, Col{"client_addr", kInet},
                                  Col{"query", protocol::kTextType}, Col{"wait_event", protocol::kTextType}});
  auto* procs = ipc::env().areas.procs;
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < procs->count; ++i) {
    auto snap = shmem::proc_slot_read(procs->slots[i]);
    if (snap.pid <= 0) continue;
    std::string addr = snap.client_addr == "[local]" ? std::string() : snap.client_addr;
    protocol::data_row(out, {std::to_string(snap.pid), snap.backend_type, or_null(snap.state), or_null(addr),
                             snap.backend_type == "client backend" ? std::optional<std::string>(snap.query)
                                                                   : std::nullopt,
                             or_null(fault_wait_event(snap.pid))});
    ++n;
  }
  protocol::command_complete(out, "SELECT " + std::to_string(n));
}

void write_pg_stat_replication(protocol::Buffer& out) {
  protocol::row_description(out, {Col{"pid", protocol::kInt4Type}, Col{"application_name", protocol::kTextType},
                                  Col{"client_addr", kInet}, Col{"state", protocol::kTextType},
                                  Col{"sent_lsn", kPgLsn}, Col{"write_lsn", kPgLsn}, Col{"flush_lsn", kPgLsn},
                                  Col{"replay_lsn", kPgLsn}, Col{"sync_state", protocol::kTextType},
                                  Col{"reply_time", protocol::kTimestamptzType}});
  std::size_t n = 0;
  if (auto* ctl = ipc::env().areas.walsnd) {
    const auto snap = replication::snapshot(*ctl);
    const auto sync = replication::sync_states(snap, ipc::env().settings.synchronous_standby_names);
    for (std::size_t i = 0; i < snap.size(); ++i) {
      const auto& w = snap[i];
      protocol::data_row(out, {std::to_string(w.pid), w.application_name, or_null(w.client_addr),
                               std::string(replication::state_name(w.state)), lsn_or_null(w.sent),
                               lsn_or_null(w.write), lsn_or_null(w.flush), lsn_or_null(w.apply),
                               sync[i], pg_time_or_null(w.reply_time)});
      ++n;
    }
  }
  protocol::command_complete(out, "SELECT " + std::to_string(n));
}

void write_pg_stat_wal_receiver(protocol::Buffer& out) {
  protocol::row_description(out, {Col{"pid", protocol::kInt4Type}, Col{"status", protocol::kTextType},
                                  Col{"receive_start_lsn", kPgLsn}, Col{"written_lsn", kPgLsn},
                                  Col{"flushed_lsn", kPgLsn}, Col{"received_tli", protocol::kInt4Type},
                                  Col{"latest_end_lsn", kPgLsn}, Col{"sender_host", protocol::kTextType},
                                  Col{"sender_port", protocol::kInt4Type}});
  auto& rcv = *ipc::env().areas.walrcv;
  const pid_t pid = rcv.pid.load();
  if (pid <= 0 || rcv.ready_to_display.load() == 0) {
    protocol::command_complete(out, "SELECT 0");
    return;
  }
  auto lsn = [](Lsn v) { return v.str(); };
  protocol::data_row(out, {std::to_string(pid), std::string(replication::state_name(rcv.current())), lsn(Lsn{rcv.receive_start}),
                           lsn(rcv.written_upto.load()), lsn(rcv.flushed_upto.load()),
                           std::to_string(rcv.received_tli.load()), lsn(rcv.latest_wal_end.load()),
                           std::string(rcv.sender_host), std::to_string(rcv.sender_port.load())});
  protocol::command_complete(out, "SELECT 1");
}

}  // namespace pmemu::backend
