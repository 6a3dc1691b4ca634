// pmctl fault (SPEC 10.3): arms, wakes, clears and lists the fault points of
// a running cluster by writing the registry in its shared segment.
#include <cstdio>
#include <memory>
#include <optional>

#include "faults/registry.h"
#include "pmctl/report.h"
#include "pmctl/test_commands.h"
#include "shmem/attach.h"
#include "shmem/segment.h"

namespace pmemu::pmctl {
namespace {

constexpr int kExitUsage = 2;

struct Attached {
  std::unique_ptr<shmem::AttachedSegment> seg;
  faults::Registry* registry = nullptr;
};

// nullptr registry when the cluster has no usable one; `quiet` or not, why.
Attached attach(const std::string& data_dir, bool quiet = false) {
  Attached a;
  std::string error;
  const auto key = shmem::data_dir_key(data_dir, &error);
  if (key != 0) a.seg = shmem::AttachedSegment::open(key, &error);
  if (a.seg) {
    auto* r = static_cast<faults::Registry*>(a.seg->area(a.seg->header().areas.faults));
    if (r != nullptr && r->magic == faults::kRegistryMagic && r->num_slots == faults::kMaxPoints) a.registry = r;
    else error = "the server's shared memory has no fault-point registry of this build";
  }
  if (a.registry == nullptr && !quiet) print_error(error);
  return a;
}

int list(const faults::Registry& r) {
  std::printf("%-44s %-15s %-10s %-5s %6s %6s %s\n", "name", "process", "action", "armed", "hits", "fired", "waiting");
  for (faults::PointId id = 0; id < faults::kPoints.size(); ++id) {
    const auto v = faults::read_slot(r, id);
    const auto& p = faults::kPoints[id];
    std::printf("%-44.*s %-15.*s %-10s %-5s %6llu %6llu %s\n", static_cast<int>(p.name.size()), p.name.data(),
                static_cast<int>(p.process.size()), p.process.data(),
                v.armed ? faults::action_text(v.spec).c_str() : "-", v.armed ? "t" : "f",
                static_cast<unsigned long long>(v.hits), static_cast<unsigned long long>(v.fired),
                v.waiting_pid != 0 ? std::to_string(v.waiting_pid).c_str() : "-");
  }
  return kExitOk;
}

}  // namespace

std::map<long long, std::string> parked_at_fault_points(const std::string& data_dir) {
  std::map<long long, std::string> out;
  auto a = attach(data_dir, true);
  if (a.registry == nullptr) return out;
  for (faults::PointId id = 0; id < faults::kPoints.size(); ++id) {
    const auto pid = a.registry->slots[id].waiting_pid.load(std::memory_order_relaxed);
    if (pid != 0) out[pid] = "FaultPoint:" + std::string(faults::kPoints[id].name);
  }
  return out;
}

int run_fault(const FaultOptions& o) {
  std::optional<faults::PointId> id;
  faults::FaultSpec spec;
  std::string error;
  if (o.verb == "arm" || o.verb == "wakeup" || (o.verb == "clear" && !o.name.empty())) {
    id = faults::find_point(o.name);
    if (!id) {
      print_error("unknown fault point \"" + o.name + "\" (pmctl fault list shows them)");
      return kExitUsage;
    }
  }
  if (o.verb == "arm") {
    if (!faults::parse_action(o.action, &spec, &error) ||
        (!o.probability.empty() && !faults::parse_probability(o.probability, &spec.p_millionths, &error))) {
      print_error(error);
      return kExitUsage;
    }
    spec.nth = o.nth;
    spec.times = o.times;
    spec.seed = o.seed;
    spec.pid = o.pid;
  }
  auto a = attach(o.data_dir);
  if (a.registry == nullptr) return kExitFailure;
  auto& r = *a.registry;
  bool ok = true;
  if (o.verb == "list") return list(r);
  if (o.verb == "arm") ok = faults::arm(r, *id, spec, &error);
  else if (o.verb == "wakeup") faults::wakeup(r, *id);
  else if (id) ok = faults::clear(r, *id, &error);
  else
    for (faults::PointId p = 0; p < faults::kPoints.size() && ok; ++p) ok = faults::clear(r, p, &error);
  if (!ok) {
    print_error(error);
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace pmemu::pmctl
