// Making one cluster from another's files, for standby scenarios.
#pragma once

#include "tests/integration/harness/cluster.h"

namespace pmemu::integration {

// Copies the (stopped) `source` data directory into `target`, then gives the
// copy target's own port and socket directory. With `as_standby`, adds
// standby.signal and a primary_conninfo pointing at `source`.
void copy_cluster_files(Cluster& target, Cluster& source, bool as_standby,
                        const std::string& application_name = "standby");

}  // namespace pmemu::integration
