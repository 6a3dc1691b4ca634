#include "startup/redo.h"

#include "wal/reader.h"
#include "wal/record.h"

namespace pmemu::startup {

RedoResult replay(const std::string& pg_wal_dir, std::uint32_t seg_size, const wal::ControlFile& cf,
                  kv::KvTable::Locked& table, const std::function<void(Lsn)>& on_first_redo) {
  RedoResult r;
  wal::WalReader reader(pg_wal_dir, seg_size, cf.tli);
  reader.seek(cf.redo);
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
    switch (rec.type) {
      case wal::RecordType::KvInsert:
      case wal::RecordType::KvUpdate: {
        auto put = wal::unpack_kv_put(rec.payload);
        if (!put) {
          r.error = "invalid KV record payload at " + rec.lsn.str();
          return r;
        }
        if (!table.can_put(put->key, put->value.size())) {
          r.error = "table is full while replaying WAL at " + rec.lsn.str() +
                    "; raise kv_table_size to at least what the primary used";
          return r;
        }
        table.put(put->key, put->value, rec.end);
        break;
      }
      case wal::RecordType::KvDelete: {
        auto del = wal::unpack_kv_delete(rec.payload);
        if (!del) {
          r.error = "invalid KV record payload at " + rec.lsn.str();
          return r;
        }
        (void)table.erase(del->key);
        break;
      }
      default:
        break;
    }
    if (!is_checkpoint_record) ++r.records_applied;
    r.last_record = rec.lsn;
    r.end = rec.end;
  }
  if (!r.last_record.valid()) {
    r.error = "could not locate a valid checkpoint record at " + cf.checkpoint.str() + ": " + r.end_reason;
  }
  return r;
}

}  // namespace pmemu::startup
