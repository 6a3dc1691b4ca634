#include "syncrep/sync_positions.h"

#include <algorithm>

namespace pmemu::syncrep {

SyncPositions compute_sync_positions(const StandbyNames& cfg, const std::vector<StandbyState>& standbys) {
  SyncPositions out;
  out.sync_state.assign(standbys.size(), "async");
  if (!cfg.defined()) return out;
  struct Candidate {
    std::size_t index;
    int priority;
  };
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < standbys.size(); ++i) {
    const int p = cfg.priority_of(standbys[i].application_name);
    if (p == 0) continue;
    out.sync_state[i] = cfg.method == SyncMethod::Quorum ? "quorum" : "potential";
    if (standbys[i].streaming) candidates.push_back({i, p});
  }
  if (static_cast<int>(candidates.size()) < cfg.num_sync) return out;

  if (cfg.method == SyncMethod::Priority) {
    // The num_sync candidates with the best priority; ties go to the earlier slot.
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.priority < b.priority; });
    candidates.resize(static_cast<std::size_t>(cfg.num_sync));
    out.write = out.flush = out.apply = Lsn{UINT64_MAX};
    for (auto& c : candidates) {
      out.sync_state[c.index] = "sync";
      out.write = std::min(out.write, standbys[c.index].write);
      out.flush = std::min(out.flush, standbys[c.index].flush);
      out.apply = std::min(out.apply, standbys[c.index].apply);
    }
  } else {
    // Quorum: the num_sync-th highest position of each kind.
    auto nth = [&](Lsn StandbyState::*field) {
      std::vector<Lsn> v;
      for (auto& c : candidates) v.push_back(standbys[c.index].*field);
      std::sort(v.begin(), v.end(), std::greater<>());
      return v[static_cast<std::size_t>(cfg.num_sync) - 1];
    };
    out.write = nth(&StandbyState::write);
    out.flush = nth(&StandbyState::flush);
    out.apply = nth(&StandbyState::apply);
  }
  out.enough = true;
  return out;
}

}  // namespace pmemu::syncrep
