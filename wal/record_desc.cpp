#include "wal/record_desc.h"

#include <cstdio>

namespace pmemu::wal {
namespace {

constexpr std::size_t kMaxKeyShown = 64;

std::string quote_key(std::string_view key) {
  std::string out = "'";
  for (std::size_t i = 0; i < key.size() && i < kMaxKeyShown; ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  if (key.size() > kMaxKeyShown) out += "...";
  return out + "'";
}

}  // namespace

std::string waldump_lsn(Lsn lsn) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%X/%08X", static_cast<unsigned>(lsn.get() >> 32),
                static_cast<unsigned>(lsn.get() & 0xffffffffu));
  return buf;
}

std::string describe_payload(RecordType type, std::span<const std::byte> payload) {
  switch (type) {
    case RecordType::KvInsert:
    case RecordType::KvUpdate:
      if (auto p = unpack_kv_put(payload)) {
        return "key " + quote_key(p->key) + " (klen " + std::to_string(p->key.size()) + ", vlen " +
               std::to_string(p->value.size()) + ")";
      }
      break;
    case RecordType::KvDelete:
      if (auto p = unpack_kv_delete(payload)) {
        return "key " + quote_key(p->key) + " (klen " + std::to_string(p->key.size()) + ")";
      }
      break;
    case RecordType::CheckpointOnline:
    case RecordType::CheckpointShutdown:
      if (auto c = unpack_checkpoint(payload)) {
        return "redo " + waldump_lsn(c->redo) + "; tli " + std::to_string(c->tli.get());
      }
      break;
    case RecordType::EndOfRecovery:
      if (auto e = unpack_end_of_recovery(payload)) {
        return "tli " + std::to_string(e->new_tli.get()) + "; prev tli " + std::to_string(e->prev_tli.get());
      }
      break;
    case RecordType::Switch:
      return "switch to next segment";
  }
  return "malformed payload";
}

std::string describe_record(const WalRecord& r) {
  return "lsn: " + waldump_lsn(r.lsn) + ", prev " + waldump_lsn(r.prev) + ", len: " + std::to_string(r.total_len) +
         ", type: " + std::string(record_type_name(r.type)) + ", desc: " + describe_payload(r.type, r.payload);
}

}  // namespace pmemu::wal
