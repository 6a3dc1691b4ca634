// SIGHUP in a child process: the one place that re-reads the configuration
// files and applies what every process uses (its copy of the settings and
// its log level). The postmaster logs what changed; children apply quietly.
#pragma once

namespace pmemu::ipc {

// When a SIGHUP is pending: takes it, reloads the files into env().config,
// refreshes env().settings and the log level, and writes a
// `config_reloaded` event. Returns true when it reloaded, so that the caller
// can apply what only it uses (a socket option, the WAL writer's fsync).
bool reload_if_requested();

}  // namespace pmemu::ipc
