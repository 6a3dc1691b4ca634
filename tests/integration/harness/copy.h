// Making one cluster from another's files, for standby scenarios.
#pragma once

#include "tests/integration/harness/cluster.h"

namespace pmemu::integration {

// Copies the (stopped) `source` data directory into `target`, then gives the
// copy target's own port and socket directory. With `as_standby`, adds
// standby.signal and a primary_conninfo pointing at `source`.
void copy_cluster_files(Cluster& target, Cluster& source, bool as_standby,
                        const std::string& application_name = "standby");

// The primary_conninfo that makes a standby stream from `primary` as `app`.
[[nodiscard]] std::string streaming_conninfo(const Cluster& primary, const std::string& app);

// `pmctl basebackup -R` from the running `primary` into `standby`'s (not yet
// created) data directory, with application_name `app`, then the standby's own
// port and socket directory and any `extra_conf` lines. Returns pmctl's result
// (already required to succeed) so callers can look at its output.
CmdResult make_streaming_standby(Cluster& primary, Cluster& standby, const std::string& app,
                                 const std::vector<std::string>& extra_args = {},
                                 const std::vector<std::string>& extra_conf = {});

}  // namespace pmemu::integration
