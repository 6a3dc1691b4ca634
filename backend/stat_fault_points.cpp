// pg_fault_points (SPEC 10.3) and the FaultPoint:NAME wait event: read from
// the fault registry with atomic loads only.
#include "backend/stat_views.h"
#include "faults/registry.h"
#include "ipc/process_env.h"
#include "protocol/backend_messages.h"

namespace pmemu::backend {

void write_pg_fault_points(protocol::Buffer& out) {
  using Col = protocol::Column;
  protocol::row_description(out, {Col{"name", protocol::kTextType}, Col{"process", protocol::kTextType},
                                  Col{"action", protocol::kTextType}, Col{"armed", protocol::kBoolType},
                                  Col{"hits", protocol::kInt8Type}, Col{"fired", protocol::kInt8Type}});
  const auto* r = ipc::env().areas.faults;
  std::size_t n = 0;
  for (faults::PointId id = 0; r != nullptr && id < faults::kPoints.size(); ++id) {
    const auto v = faults::read_slot(*r, id);
    const auto& p = faults::kPoints[id];
    protocol::data_row(out, {std::string(p.name), std::string(p.process),
                             v.armed ? std::optional<std::string>(faults::action_text(v.spec)) : std::nullopt,
                             std::string(v.armed ? "t" : "f"), std::to_string(v.hits), std::to_string(v.fired)});
    ++n;
  }
  protocol::command_complete(out, "SELECT " + std::to_string(n));
}

std::string fault_wait_event(long long pid) {
  const auto* r = ipc::env().areas.faults;
  for (faults::PointId id = 0; r != nullptr && id < faults::kPoints.size(); ++id)
    if (r->slots[id].waiting_pid.load(std::memory_order_relaxed) == pid)
      return "FaultPoint:" + std::string(faults::kPoints[id].name);
  return {};
}

}  // namespace pmemu::backend
