#include "startup/redo.h"

#include "faults/registry.h"
#include "ipc/process_env.h"
#include "recovery/recovery_shmem.h"
#include "wal/record.h"

namespace pmemu::startup {

std::string apply_record(kv::KvTable::Locked& table, const wal::WalRecord& rec) {
  switch (rec.type) {
    case wal::RecordType::KvInsert:
    case wal::RecordType::KvUpdate: {
      auto put = wal::unpack_kv_put(rec.payload);
      if (!put) return "invalid KV record payload at " + rec.lsn.str();
      if (!table.can_put(put->key, put->value.size()))
        return "table is full while replaying WAL at " + rec.lsn.str() +
               "; raise kv_table_size to at least what the primary used";
      table.put(put->key, put->value, rec.end);
      return {};
    }
    case wal::RecordType::KvDelete: {
      auto del = wal::unpack_kv_delete(rec.payload);
      if (!del) return "invalid KV record payload at " + rec.lsn.str();
      (void)table.erase(del->key);
      return {};
    }
    default:
      return {};
  }
}

std::string check_record_timeline(const wal::WalRecord& rec, const wal::TimelineHistory& history) {
  const TimeLineId expected = history.tli_of_point(rec.lsn);
  auto mismatch = [&](TimeLineId named, const char* where) {
    if (named == expected) return std::string();
    return "unexpected timeline ID " + std::to_string(named.get()) + " (should be " + std::to_string(expected.get()) +
           ") in " + where + " record";
  };
  switch (rec.type) {
    case wal::RecordType::CheckpointShutdown:
    case wal::RecordType::CheckpointOnline: {
      auto c = wal::unpack_checkpoint(rec.payload);
      if (!c) return "invalid checkpoint record at " + rec.lsn.str();
      return mismatch(c->tli, rec.type == wal::RecordType::CheckpointShutdown ? "shutdown checkpoint" : "online checkpoint");
    }
    case wal::RecordType::EndOfRecovery: {
      auto eor = wal::unpack_end_of_recovery(rec.payload);
      if (!eor) return "invalid end-of-recovery record at " + rec.lsn.str();
      return mismatch(eor->new_tli, "end-of-recovery");
    }
    default:
      return {};
  }
}

void note_replayed(const wal::WalRecord& rec) {
  auto* recovery = ipc::env().areas.recovery;
  if (!recovery) return;
  if (rec.type == wal::RecordType::CheckpointOnline || rec.type == wal::RecordType::CheckpointShutdown) {
    if (auto c = wal::unpack_checkpoint(rec.payload)) {
      recovery->checkpoint_redo.store(c->redo, std::memory_order_relaxed);
      recovery->checkpoint_tli.store(c->tli.get(), std::memory_order_relaxed);
      recovery->checkpoint_lsn.store(rec.lsn, std::memory_order_release);
    }
  }
  recovery->replayed_upto.store(rec.end, std::memory_order_release);
}

RedoResult replay(wal::WalReader& reader, const wal::ControlFile& cf, kv::KvTable::Locked& table,
                  const std::function<void(Lsn)>& on_first_redo) {
  RedoResult r;
  bool started = false;
  for (;;) {
    auto next = reader.next();
    if (auto* end = std::get_if<wal::WalEnd>(&next)) {
      r.end_reason = wal::describe_end(*end);
      r.end_reason_short = end->reason;
      r.end = end->at;
      break;
    }
    auto& rec = std::get<wal::WalRecord>(next);
    const bool is_checkpoint_record = rec.lsn == cf.checkpoint;
    if (!is_checkpoint_record && !started) {
      started = true;
      on_first_redo(rec.lsn);
    }
    if (auto err = check_record_timeline(rec, reader.history()); !err.empty()) {
      r.error = err;
      return r;
    }
    if (!is_checkpoint_record) (void)FAULT_POINT("startup.mid_redo");
    if (auto err = apply_record(table, rec); !err.empty()) {
      r.error = err;
      return r;
    }
    note_replayed(rec);
    if (!is_checkpoint_record) ++r.records_applied;
    r.last_record = rec.lsn;
    r.end = rec.end;
  }
  if (!r.last_record.valid())
    r.error = "could not locate a valid checkpoint record at " + cf.checkpoint.str() + ": " + r.end_reason;
  return r;
}

}  // namespace pmemu::startup
