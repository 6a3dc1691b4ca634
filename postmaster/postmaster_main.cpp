// The `postmaster` binary: postmaster -D DATADIR [-p PORT] [-c name=value]...
// Sets everything up in PostgreSQL's order (settings, data directory, lock
// file, sockets, shared memory), then hands over to the server loop.
#include <CLI/CLI.hpp>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "common/elog.h"
#include "events/events.h"
#include "ipc/pm_death.h"
#include "ipc/process_env.h"
#include "ipc/ps_title.h"
#include "ipc/signals.h"
#include "postmaster/ipci.h"
#include "postmaster/lock_file.h"
#include "postmaster/server_loop.h"
#include "wal/control_file.h"

namespace pm = pmemu::postmaster;
namespace elog = pmemu::elog;
using pmemu::ipc::env;

namespace {

[[noreturn]] void fatal(const std::string& msg, const std::string& hint = {}, const std::string& data_dir = {}) {
  if (hint.empty()) elog::log(elog::Level::Fatal, msg);
  else elog::log_hint(elog::Level::Fatal, msg, hint);
  if (!data_dir.empty()) pm::remove_lock_file(data_dir);
  std::exit(1);
}

std::string first_item(const std::string& list) {
  auto comma = list.find(',');
  std::string s = list.substr(0, comma);
  auto b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b);
}

void check_data_dir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) fatal("data directory \"" + dir + "\" does not exist");
  if (!S_ISDIR(st.st_mode)) fatal("specified data directory \"" + dir + "\" is not a directory");
  if (::access((dir + "/PG_VERSION").c_str(), R_OK) != 0) {
    elog::log_detail(elog::Level::Fatal, "\"" + dir + "\" is not a valid data directory",
                     "File \"" + dir + "/PG_VERSION\" is missing.");
    std::exit(1);
  }
}

void install_signal_handlers() {
  using pmemu::ipc::Sig;
  pmemu::ipc::init_self_pipe();
  pmemu::ipc::catch_signal(SIGTERM, Sig::Term);
  pmemu::ipc::catch_signal(SIGINT, Sig::Int);
  pmemu::ipc::catch_signal(SIGQUIT, Sig::Quit);
  pmemu::ipc::catch_signal(SIGHUP, Sig::Hup);
  pmemu::ipc::catch_signal(SIGUSR1, Sig::Usr1);
  pmemu::ipc::catch_signal(SIGCHLD, Sig::Chld);
  pmemu::ipc::ignore_signal(SIGUSR2);  // reserved for children
  pmemu::ipc::ignore_signal(SIGPIPE);
}

}  // namespace

int main(int argc, char** argv) {
  // Every file and directory the server creates is its owner's alone (0600,
  // 0700), as PostgreSQL's postmaster sets umask 077 first thing.
  ::umask(0077);
  argv = pmemu::ipc::ps_title_init(argc, argv);
  elog::set_process_type("postmaster");

  CLI::App app{"pmemu postmaster: the server (runs in the foreground, logs to stderr)"};
  std::string data_dir;
  int port = 0;
  std::vector<std::string> settings;
  app.add_option("-D,--pgdata", data_dir, "data directory")->envname("PGDATA");
  app.add_option("-p,--port", port, "port to listen on");
  app.add_option("-c", settings, "set a setting: -c name=value")->allow_extra_args(false);
  CLI11_PARSE(app, argc, argv);
  if (data_dir.empty()) {
    std::fprintf(stderr, "postmaster: error: no data directory given: use -D or set PGDATA\n");
    return 2;
  }

  std::vector<pmemu::config::Override> overrides;
  for (auto& s : settings) {
    auto o = pmemu::config::parse_override(s);
    if (!o) {
      std::fprintf(stderr, "postmaster: error: -c %s requires a value (name=value)\n", s.c_str());
      return 2;
    }
    overrides.push_back(*o);
  }
  if (port != 0) overrides.push_back({"port", std::to_string(port)});

  std::error_code ec;
  auto abs = std::filesystem::absolute(data_dir, ec);
  data_dir = std::filesystem::weakly_canonical(abs, ec).string();
  check_data_dir(data_dir);

  auto loaded = pmemu::config::Config::load(data_dir, overrides);
  if (!loaded.config) {
    for (auto& e : loaded.errors) elog::log(elog::Level::Fatal, e.message);
    return 1;
  }
  auto& e = env();
  e.data_dir = data_dir;
  e.config = std::move(*loaded.config);
  e.postmaster_pid = pmemu::Pid{::getpid()};

  auto control = pmemu::wal::read_control_file(data_dir);
  if (!control.ok()) fatal(control.error());
  e.wal_segment_size = control.value().wal_segment_size;
  e.system_identifier = control.value().system_identifier;
  if (auto err = e.config.set_internal("wal_segment_size", std::to_string(e.wal_segment_size / (1024 * 1024)) + "MB"))
    fatal(err->message);
  e.settings = e.config.settings();
  elog::set_min_level(e.settings.log_min_messages);
  // Otherwise no ordinary role could ever log in.
  if (e.settings.superuser_reserved_connections >= e.settings.max_connections)
    fatal("superuser_reserved_connections (" + std::to_string(e.settings.superuser_reserved_connections) +
          ") must be less than max_connections (" + std::to_string(e.settings.max_connections) + ")");

  std::string error, hint;
  if (auto err = pmemu::ipc::load_auth_files(); !err.empty()) fatal("could not load authentication files: " + err);
  if (!pm::create_lock_file(data_dir, &error, &hint)) fatal(error, hint);

  std::uint64_t key = pmemu::shmem::data_dir_key(data_dir, &error);
  if (key == 0) fatal(error, {}, data_dir);
  auto leftover = pmemu::shmem::check_leftover_segment(key);
  if (leftover.state == pmemu::shmem::LeftoverState::InUse)
    fatal("pre-existing shared memory block (key " + std::to_string(key) + ", ID 0) is still in use",
          "Terminate any old server processes associated with data directory \"" + data_dir + "\".", data_dir);
  if (leftover.state == pmemu::shmem::LeftoverState::Error) fatal(leftover.detail, {}, data_dir);

  pm::ServerSetup setup;
  std::string socket_dirs = e.settings.unix_socket_directories.empty() ? data_dir : e.settings.unix_socket_directories;
  if (!pm::open_listen_sockets(e.settings.listen_addresses, e.settings.port, socket_dirs,
                               static_cast<mode_t>(e.settings.unix_socket_permissions), &setup.listeners, &error))
    fatal(error, {}, data_dir);

  pm::LockFileInfo info{data_dir, static_cast<long>(std::time(nullptr)), e.settings.port,
                        first_item(socket_dirs), first_item(e.settings.listen_addresses), key, 1};
  if (!pm::write_lock_file(info, &error)) fatal(error, {}, data_dir);

  install_signal_handlers();
  pmemu::ipc::create_death_pipe();

  setup.shm_key = key;
  setup.shmem_params = pm::ShmemParams{pm::child_slot_count(e.settings),
                                       e.settings.kv_table_size_bytes,
                                       e.settings.imessage_buffer_size_bytes,
                                       static_cast<std::uint32_t>(e.settings.max_wal_senders),
                                       e.system_identifier,
                                       e.wal_segment_size};
  setup.segment = pm::create_shared_memory(key, setup.shmem_params, 1, &e.areas, &error);
  if (!setup.segment) fatal(error, {}, data_dir);

  elog::log(elog::Level::Log, "starting PostgreSQL 15.18 (pmemu 0.1.0) on x86_64-pc-linux-gnu");
  for (auto& l : setup.listeners) {
    if (l.is_unix) elog::log(elog::Level::Log, "listening on Unix socket \"" + l.unix_path + "\"");
  }
  if (!e.settings.listen_addresses.empty())
    elog::log(elog::Level::Log, "listening on \"" + e.settings.listen_addresses + "\", port " +
                                    std::to_string(e.settings.port));

  // After the lock file: a second postmaster refused above never writes here.
  pmemu::events::open_stream(data_dir);
  pmemu::events::emit("postmaster_start", {{"port", e.settings.port}, {"data_dir", data_dir}});
  int code = pm::run_server_loop(setup);

  pm::close_listen_sockets(&setup.listeners);
  if (setup.segment) setup.segment->remove();
  pm::remove_lock_file(data_dir);
  elog::log(elog::Level::Log, "database system is shut down");
  pmemu::events::emit("postmaster_exit", {{"code", code}});
  return code;
}
