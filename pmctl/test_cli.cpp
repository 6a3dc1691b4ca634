#include "pmctl/test_cli.h"

#include "pmctl/test_commands.h"

namespace pmemu::pmctl {
namespace {

void add_dir(CLI::App* sub, std::string* dir) {
  sub->add_option("-D,--pgdata", *dir, "data directory")->required()->envname("PGDATA");
}

void add_since(CLI::App* sub, long* since) {
  sub->add_option("--since", *since, "start at this line number of events.jsonl")->check(CLI::PositiveNumber);
}

}  // namespace

void add_test_commands(CLI::App* app, std::function<int()>* action) {
  // Function-local: the parsed values must outlive main's parse.
  static EventsOptions events;
  auto* events_cmd = app->add_subcommand("events", "print the event stream (events.jsonl) of a cluster");
  add_dir(events_cmd, &events.data_dir);
  events_cmd->add_flag("-f,--follow", events.follow, "keep printing events as they are written");
  events_cmd->add_flag("--json", events.json, "print the raw JSON lines");
  add_since(events_cmd, &events.since);
  events_cmd->callback([action] { *action = [] { return run_events(events); }; });

  static WaitEventOptions wait;
  auto* wait_cmd = app->add_subcommand("wait", "wait for an event: EVENT [field=value]...");
  wait_cmd->footer(
      "Waits for a matching event at or after line --since (default: the end of the file now).\n"
      "Prints the line number and the event; on timeout exits 1 and prints a diagnosis.\n"
      "A value with spaces: child_type='client backend' (quoted inside the word) or as one word.");
  add_dir(wait_cmd, &wait.data_dir);
  wait_cmd->add_option("event", wait.pattern, "event name and field=value filters")->required();
  wait_cmd->add_option_function<int>(
              "-t,--timeout", [](int s) { wait.timeout = std::chrono::seconds(s); }, "seconds to wait (default 60)")
      ->check(CLI::PositiveNumber);
  add_since(wait_cmd, &wait.since);
  wait_cmd->callback([action] { *action = [] { return run_wait_event(wait); }; });

  static ExpectOptions expect;
  auto* expect_cmd = app->add_subcommand("expect", "check assertions over the event stream");
  expect_cmd->footer(
      "ASSERTION: 'A before B', 'no A after B', 'count A = N' (also <, <=, >, >=),\n"
      "A and B event patterns. Exit 0 when all hold, 1 with the first counter-example.");
  add_dir(expect_cmd, &expect.data_dir);
  expect_cmd->add_option("assertion", expect.assertions, "assertions")->required();
  add_since(expect_cmd, &expect.since);
  expect_cmd->callback([action] { *action = [] { return run_expect(expect); }; });

  static std::string ps_dir;
  static bool ps_json = false;
  auto* ps_cmd = app->add_subcommand("ps", "list the cluster's processes: pid, ptype, state, wait, since");
  add_dir(ps_cmd, &ps_dir);
  ps_cmd->add_flag("--json", ps_json, "print a JSON array");
  ps_cmd->callback([action] { *action = [] { return run_ps(ps_dir, ps_json); }; });

  static KillOptions kill;
  auto* kill_cmd = app->add_subcommand("kill", "signal a cluster process by role or pid");
  add_dir(kill_cmd, &kill.data_dir);
  kill_cmd->add_option("role", kill.role,
                       "postmaster, startup, checkpointer, walsender, walreceiver, backend, or a pid")->required();
  kill_cmd->add_option("signal", kill.signal, "TERM INT QUIT KILL HUP USR1 USR2 STOP CONT")->required();
  kill_cmd->add_flag("--all", kill.all, "signal every process of the role, not only the oldest");
  kill_cmd->callback([action] { *action = [] { return run_kill(kill); }; });

  static std::string diagnose_dir;
  static bool diagnose_stacks = false;
  auto* diagnose_cmd = app->add_subcommand(
      "diagnose", "for a hung test: postmaster state, processes, parked ones, pg_control, last events and log lines");
  add_dir(diagnose_cmd, &diagnose_dir);
  diagnose_cmd->add_flag("--stacks", diagnose_stacks, "add a gdb backtrace of each process (gdb must be installed)");
  diagnose_cmd->callback([action] { *action = [] { return run_diagnose(diagnose_dir, diagnose_stacks); }; });
  static FaultOptions fault;
  auto* fault_cmd = app->add_subcommand("fault", "arm, wake up, clear or list fault points of a running cluster");
  add_dir(fault_cmd, &fault.data_dir);
  fault_cmd->require_subcommand(1);
  auto* arm = fault_cmd->add_subcommand("arm", "arm a point: NAME ACTION (error fatal panic kill9 exit=N sleep=MS wait)");
  arm->add_option("name", fault.name, "fault point")->required();
  arm->add_option("action", fault.action, "what the point does when it fires")->required();
  arm->add_option("--nth", fault.nth, "fire on the Nth hit only")->check(CLI::PositiveNumber);
  arm->add_option("--times", fault.times, "fire at most N times")->check(CLI::PositiveNumber);
  auto* seed = arm->add_option("--seed", fault.seed, "seed of the --probability draws");
  arm->add_option("--probability", fault.probability, "fire each hit with probability P (0..1)")->needs(seed);
  arm->add_option("--pid", fault.pid, "only in this process")->check(CLI::PositiveNumber);
  auto* wakeup = fault_cmd->add_subcommand("wakeup", "let the processes parked at NAME go on");
  wakeup->add_option("name", fault.name, "fault point")->required();
  auto* clear = fault_cmd->add_subcommand("clear", "disarm NAME (or every point), waking what it parked");
  clear->add_option("name", fault.name, "fault point");
  auto* list = fault_cmd->add_subcommand("list", "every point: process, action, armed, hits, fired, parked pid");
  for (auto* sub : {arm, wakeup, clear, list}) {
    sub->fallthrough();
    sub->callback([action, sub] {
      fault.verb = sub->get_name();
      *action = [] { return run_fault(fault); };
    });
  }
}

}  // namespace pmemu::pmctl
