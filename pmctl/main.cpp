// pmctl: initdb + pg_ctl + pg_controldata + pg_waldump in one program
// (SPEC section 1). This file only maps the command line onto the option
// structs of commands.h; every subcommand lives in its own cmd_*.cpp.
// Exit status: 0 ok, 1 failure, 2 bad usage (CLI11's parse errors), and
// status's 3/4.
#include <CLI/CLI.hpp>

#include <functional>
#include <sys/stat.h>

#include "pmctl/commands.h"
#include "pmctl/test_cli.h"
#include "pmctl/timeline_cli.h"

namespace {

using namespace pmemu::pmctl;

constexpr int kExitUsage = 2;

// -w/-W, pg_ctl's pair; wait is the default.
void add_wait_flags(CLI::App* sub, bool* wait) {
  sub->add_flag_callback("-w,--wait", [wait] { *wait = true; }, "wait until the operation completes (default)");
  sub->add_flag_callback("-W,--no-wait", [wait] { *wait = false; }, "do not wait until the operation completes");
}

void add_timeout(CLI::App* sub, std::chrono::seconds* timeout) {
  sub->add_option_function<int>(
         "-t,--timeout", [timeout](int s) { *timeout = std::chrono::seconds(s); },
         "seconds to wait when using -w (default 60)")
      ->check(CLI::PositiveNumber);
}

void add_data_dir(CLI::App* sub, std::string* dir, const char* what = "location of the database storage area") {
  sub->add_option("-D,--pgdata", *dir, what)->required()->envname("PGDATA");
}

void add_mode(CLI::App* sub, ShutdownMode* mode) {
  sub->add_option_function<std::string>(
         "-m,--mode",
         [mode](const std::string& m) {
           *mode = m == "smart" ? ShutdownMode::Smart
                   : m == "immediate" ? ShutdownMode::Immediate
                                      : ShutdownMode::Fast;
         },
         "shutdown mode: smart, fast (default) or immediate")
      ->check(CLI::IsMember({"smart", "fast", "immediate"}));
}

// --NAME / --noNAME, the last one given wins; neither leaves it unset.
void add_attribute_flags(CLI::App* sub, const std::string& name, const std::string& what, std::optional<bool>* value) {
  sub->add_flag_callback("--" + name, [value] { *value = true; }, what);
  sub->add_flag_callback("--no" + name, [value] { *value = false; }, "the opposite of --" + name);
}

}  // namespace

int main(int argc, char** argv) {
  // What pmctl creates (a cluster, a base backup's copy, backup_manifest,
  // standby.signal, postgresql.auto.conf with primary_conninfo) is the
  // owner's alone, as initdb, pg_ctl and pg_basebackup set umask 077.
  ::umask(0077);
  CLI::App app{"pmctl: initialize, start, stop and inspect a pmemu cluster", "pmctl"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "pmctl (pmemu) 15");
  std::function<int()> action;

  InitOptions init;
  auto* init_cmd = app.add_subcommand("init", "create a new cluster (initdb)");
  add_data_dir(init_cmd, &init.data_dir, "location for this database cluster");
  init_cmd->add_option("--auth", init.auth, "authentication method for local and host connections (default trust)")
      ->check(CLI::IsMember({"trust", "password", "md5", "scram-sha-256"}));
  init_cmd->add_option("-U,--username", init.superuser, "database superuser name (default: the OS user)");
  init_cmd->add_option("--pwfile", init.pwfile, "read the superuser's password from FILE");
  init_cmd->add_option("--wal-segsize", init.wal_segsize_mb, "size of WAL segments, in megabytes (power of two, 1..1024)");
  init_cmd->add_option("-c,--set", init.settings, "name=value written to postgresql.conf")->allow_extra_args(false);
  init_cmd->callback([&] { action = [&] { return run_init(init); }; });

  StartOptions start;
  auto* start_cmd = app.add_subcommand("start", "start the server");
  add_data_dir(start_cmd, &start.data_dir);
  start_cmd->add_option("-l,--log", start.log_file, "append the server's output to FILE");
  start_cmd->add_option("-o,--options", start.postmaster_options, "options passed to the postmaster, split like a shell would");
  add_wait_flags(start_cmd, &start.wait);
  add_timeout(start_cmd, &start.timeout);
  start_cmd->callback([&] { action = [&] { return run_start(start); }; });

  StopOptions stop;
  auto* stop_cmd = app.add_subcommand("stop", "stop the server");
  add_data_dir(stop_cmd, &stop.data_dir);
  add_mode(stop_cmd, &stop.mode);
  add_wait_flags(stop_cmd, &stop.wait);
  add_timeout(stop_cmd, &stop.timeout);
  stop_cmd->callback([&] { action = [&] { return run_stop(stop); }; });

  RestartOptions restart;
  auto* restart_cmd = app.add_subcommand(
      "restart", "stop the server if it runs, then start it with the options recorded in postmaster.opts");
  add_data_dir(restart_cmd, &restart.data_dir);
  add_mode(restart_cmd, &restart.mode);
  restart_cmd->add_option("-l,--log", restart.log_file, "append the server's output to FILE");
  restart_cmd->add_option("-o,--options", restart.postmaster_options, "replace the recorded postmaster options");
  add_wait_flags(restart_cmd, &restart.wait);
  add_timeout(restart_cmd, &restart.timeout);
  restart_cmd->callback([&] { action = [&] { return run_restart(restart); }; });

  std::string status_dir;
  auto* status_cmd = app.add_subcommand("status", "show whether the server runs (exit 0 running, 3 not running, 4 no data directory)");
  add_data_dir(status_cmd, &status_dir);
  status_cmd->callback([&] { action = [&] { return run_status(status_dir); }; });

  std::string reload_dir;
  auto* reload_cmd = app.add_subcommand("reload", "make the server re-read its configuration (SIGHUP)");
  add_data_dir(reload_cmd, &reload_dir);
  reload_cmd->callback([&] { action = [&] { return run_reload(reload_dir); }; });

  PromoteOptions promote;
  auto* promote_cmd = app.add_subcommand("promote", "promote a standby to primary");
  add_data_dir(promote_cmd, &promote.data_dir);
  add_wait_flags(promote_cmd, &promote.wait);
  add_timeout(promote_cmd, &promote.timeout);
  promote_cmd->callback([&] { action = [&] { return run_promote(promote); }; });

  std::string controldata_dir;
  auto* controldata_cmd = app.add_subcommand("controldata", "print global/pg_control as pg_controldata does");
  add_data_dir(controldata_cmd, &controldata_dir);
  controldata_cmd->callback([&] { action = [&] { return run_controldata(controldata_dir); }; });

  WaldumpOptions waldump;
  auto* waldump_cmd = app.add_subcommand("waldump", "print one line per WAL record (pg_waldump)");
  waldump_cmd->footer(
      "Records go to stdout, then one line on stderr says why the dump stopped.\n"
      "Starts at -s (default: the start of the oldest segment of the timeline in pg_wal).\n"
      "As pg_waldump: exit 0 only when -e was reached; stopping anywhere else (the end of\n"
      "the written WAL, a missing segment, an invalid record) exits 1 with the reason.");
  add_data_dir(waldump_cmd, &waldump.data_dir);
  waldump_cmd->add_option("-s,--start", waldump.start, "start at this LSN (X/X)");
  waldump_cmd->add_option("-e,--end", waldump.end, "stop before this LSN (X/X)");
  waldump_cmd->add_option("-t,--timeline", waldump.timeline, "timeline to read (default: pg_control's)")
      ->check(CLI::PositiveNumber);
  waldump_cmd->callback([&] { action = [&] { return run_waldump(waldump); }; });

  BasebackupOptions basebackup;
  auto* basebackup_cmd = app.add_subcommand(
      "basebackup", "copy a running primary over a replication connection (BASE_BACKUP)");
  basebackup_cmd->add_option("-D,--pgdata", basebackup.data_dir, "directory to write the copy to")->required();
  basebackup_cmd->add_option("-d,--dbname", basebackup.conninfo, "connection string")->required();
  basebackup_cmd->add_flag("-P,--progress", basebackup.progress, "show progress");
  basebackup_cmd->add_flag("-R,--write-recovery-conf", basebackup.write_recovery_conf,
                           "write standby.signal and primary_conninfo");
  basebackup_cmd->callback([&] { action = [&] { return run_basebackup(basebackup); }; });

  RoleOptions role;
  auto* role_cmd = app.add_subcommand("role", "create, alter or drop a role (CREATE/ALTER/DROP ROLE)");
  add_data_dir(role_cmd, &role.data_dir);
  role_cmd->add_option("action", role.action, "create, alter or drop")
      ->required()
      ->check(CLI::IsMember({"create", "alter", "drop"}));
  role_cmd->add_option("name", role.name, "the role's name")->required();
  add_attribute_flags(role_cmd, "login", "may log in (create's default)", &role.attributes.login);
  add_attribute_flags(role_cmd, "replication", "may start a walsender", &role.attributes.replication);
  add_attribute_flags(role_cmd, "superuser", "is a superuser", &role.attributes.superuser);
  role_cmd->add_option("--password-file", role.password_file, "set the password to the first line of FILE");
  role_cmd->callback([&] { action = [&] { return run_role(role); }; });

  add_test_commands(&app, &action);
  add_timeline_command(&app, &action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    (void)app.exit(e);
    return kExitUsage;
  }
  return action();
}
