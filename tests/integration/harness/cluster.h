// One pmemu server for one test: its own temp directory, free port, log,
// and the guarantee that nothing of it survives the test.
//
// Layout: base_dir() = mkdtemp("/tmp/pmemu-it-XXXXXX") holds data/ (the data
// directory), log (the server log from `pmctl start -l`) and the Unix
// socket. The destructor SIGKILLs every process group a postmaster of this
// cluster ever led and every group its children were seen in (pmctl start
// makes the postmaster a session leader, and each child calls setsid() as
// PostgreSQL's do; children also exit on their own once the postmaster is
// gone), waits until they are gone, removes the
// shared-memory files named with the key from postmaster.pid, and removes
// base_dir() unless PMEMU_KEEP_TMP is set. It runs even when an assertion
// ended the test early. Should the test process die without unwinding, the
// watchdog (watchdog.h) does the same; base_dir()/owner names the process
// for scripts/test's sweep of leftovers.
#pragma once

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/strong_id.h"
#include "tests/integration/harness/command.h"
#include "tests/integration/harness/pg_conn.h"
#include "tests/integration/harness/process.h"
#include "tests/integration/harness/wait.h"

namespace pmemu::integration {

enum class Via { Tcp, UnixSocket };

class Cluster {
 public:
  explicit Cluster(std::string name = "node");
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  [[nodiscard]] const std::filesystem::path& base_dir() const { return base_; }
  [[nodiscard]] std::filesystem::path data_dir() const { return base_ / "data"; }
  [[nodiscard]] std::filesystem::path log_path() const { return base_ / "log"; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const std::string& user() const { return user_; }

  // pmctl init with port, listen_addresses, socket dir, fsync=off, then
  // `settings` ("name=value") and `init_args` (e.g. --auth, --pwfile).
  // REQUIREs success.
  void init(const std::vector<std::string>& settings = {}, const std::vector<std::string>& init_args = {});
  // pmctl start -D -l -w -t 30 (plus `extra`); REQUIREs success.
  void start(const std::vector<std::string>& extra = {});
  // The same without the assertion, for starts that are meant to fail.
  CmdResult try_start(const std::vector<std::string>& extra = {});
  CmdResult stop(std::string_view mode = "fast", bool wait = true);
  CmdResult pmctl(std::vector<std::string> args, std::chrono::milliseconds timeout = std::chrono::seconds(90));
  // Appends `line` to a configuration file of the data directory
  // (postgresql.auto.conf is read last, so its lines win).
  void append_conf(std::string_view line, std::string_view file = "postgresql.conf");

  // Line 1 of postmaster.pid (Pid{} if absent); remembers the postmaster
  // so the destructor can kill its process group.
  Pid postmaster_pid();
  [[nodiscard]] std::vector<std::string> pid_file_lines() const;
  void kill9_postmaster();
  // Waits until the postmaster that wrote postmaster.pid (or, once that file
  // is gone, the last postmaster we saw) has exited.
  void wait_postmaster_gone(std::chrono::milliseconds timeout);

  [[nodiscard]] std::vector<Pid> child_pids();  // live children of the postmaster
  // Processes of this cluster (its process groups) whose title contains substring.
  [[nodiscard]] std::vector<Pid> pids_by_title(std::string_view substring);

  // psql -X -A -t -h <host> -p N -U user -d postgres -v ON_ERROR_STOP=1
  // -v VERBOSITY=verbose -c sql (VERBOSITY puts SQLSTATEs in stderr).
  CmdResult psql(std::string_view sql, Via via = Via::Tcp);
  [[nodiscard]] std::string conninfo(Via via = Via::Tcp) const;
  PgConn connect(Via via = Via::Tcp);
  // connect() that REQUIREs success.
  PgConn session(Via via = Via::Tcp);

  [[nodiscard]] std::string log() const;
  [[nodiscard]] size_t log_size() const;
  [[nodiscard]] size_t count_in_log(std::string_view substring, size_t from = 0) const;
  // Waits until the log (from byte offset `from`) contains substring / matches regex.
  void wait_for_log(std::string_view substring, std::chrono::milliseconds timeout, size_t from = 0);
  void wait_for_log_regex(const std::string& regex, std::chrono::milliseconds timeout, size_t from = 0);
  // Waits until `substring` occurs at least `n` times in the log.
  void wait_for_log_count(std::string_view substring, size_t n, std::chrono::milliseconds timeout);

 private:
  void remember_postmaster(Pid pid);
  // Records the process groups of the postmaster's children too, in case a
  // child leaves the postmaster's group (PostgreSQL's children call setsid).
  void remember_children();
  void kill_everything();
  void add_group(pid_t pgrp);  // and tells the watchdog
  void write_owner_file() const;

  std::string name_;
  std::filesystem::path base_;
  int port_ = 0;
  std::string user_;
  std::set<pid_t> groups_;    // process groups led by our postmasters
  std::set<std::string> shm_keys_;
  Pid last_postmaster_;  // the last postmaster remember_postmaster accepted
};

// Path of a binary under test: $PMEMU_PMCTL / $PMEMU_POSTMASTER, else
// $PMEMU_BIN/<name>, else ./<name>.
[[nodiscard]] std::string binary_path(const std::string& name);
// A free port in 20000-31999 that no other process got from free_tcp_port:
// we hold an flock on port_lock_path(port) until this process ends.
[[nodiscard]] int free_tcp_port();
[[nodiscard]] std::string port_lock_path(int port);
// Removes the /dev/shm files of pmemu clusters with these keys.
void remove_segments(const std::set<std::string>& keys);

}  // namespace pmemu::integration
