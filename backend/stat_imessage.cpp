// pg_stat_imessage: one row per live process slot with its imessage counters.
#include "ipc/imessage.h"
#include "ipc/process_env.h"
#include "protocol/backend_messages.h"
#include "shmem/proc_slots.h"

namespace pmemu::backend {

void write_pg_stat_imessage(protocol::Buffer& out) {
  using Col = protocol::Column;
  protocol::row_description(out, {Col{"pid", protocol::kInt4Type}, Col{"backend_type", protocol::kTextType},
                                  Col{"queued", protocol::kInt8Type}, Col{"sent", protocol::kInt8Type}, Col{"received", protocol::kInt8Type},
                                  Col{"bytes", protocol::kInt8Type}, Col{"full_waits", protocol::kInt8Type}});
  auto& env = ipc::env();
  auto* procs = env.areas.procs;
  auto* area = ipc::imessage::Area::attach(env.areas.imessage);
  std::size_t n = 0;
  for (std::uint32_t i = 0; i < procs->count; ++i) {
    auto snap = shmem::proc_slot_read(procs->slots[i]);
    if (snap.pid <= 0) continue;
    ipc::imessage::SlotStats s;
    if (area) s = ipc::imessage::read_stats(*area, ChildSlot(i));
    protocol::data_row(out, {std::to_string(snap.pid), snap.backend_type, std::to_string(s.queued),
                             std::to_string(s.sent), std::to_string(s.received), std::to_string(s.bytes),
                             std::to_string(s.full_waits)});
    ++n;
  }
  protocol::command_complete(out, "SELECT " + std::to_string(n));
}

}  // namespace pmemu::backend
