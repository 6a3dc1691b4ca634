// The postmaster's state machine: one enum advanced by one pure function.
//
//   step(context, event, children) -> (new context, actions)
//
// The main loop (postmaster/server_loop.cpp) turns signals and child exits
// into events, hands them here with a count of the children it has, and
// carries out the actions (signal children, fork, log, exit). Nothing here
// touches the OS, so every transition is unit-tested without forking
// (tests/unit/postmaster/).
//
// It follows PostgreSQL 15's postmaster.c (see shared/reference), with one
// difference: a startup process killed by a signal leads to a crash restart
// (a kill -9 in a test is a crash like any other), while a startup process
// that *exits* with a failure code still aborts start-up as in PostgreSQL, so
// that a broken data directory cannot loop forever.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "postmaster/child_kinds.h"

namespace pmemu::postmaster {

enum class PmState {
  Init,          // reading settings, creating shared memory
  Startup,       // startup process runs, redo not begun (or crash cycle before redo)
  Recovery,      // redo running; no sessions yet
  HotStandby,    // standby consistent: read-only sessions allowed
  Run,           // normal operation
  StopBackends,  // transient: tell sessions, startup and walreceiver to stop
  WaitBackends,  // wait for them (and, after a crash or immediate stop, for everyone)
  Shutdown,      // checkpointer writes the shutdown checkpoint
  Shutdown2,     // walsenders send the last WAL and exit
  WaitDeadEnd,   // only refused-connection children may remain
  NoChildren,    // nobody left: exit, or reinitialise after a crash
};
std::string_view state_name(PmState s);  // "PM_RUN", ...

enum class ShutdownMode { None = 0, Smart = 1, Fast = 2, Immediate = 3 };
enum class StartupStatus { NotRunning, Running, Signaled, Crashed };


struct ExitStatus {
  bool signaled = false;
  int code = 0;    // exit code when !signaled
  int signo = 0;   // signal when signaled
  static ExitStatus exited(int c) { return {false, c, 0}; }
  static ExitStatus killed(int s) { return {true, 0, s}; }
  [[nodiscard]] bool is(int c) const { return !signaled && code == c; }
};

struct PmContext {
  PmState state = PmState::Init;
  ShutdownMode shutdown = ShutdownMode::None;
  bool fatal_error = false;      // a crash cycle is under way
  bool conns_allowed = true;     // false once smart shutdown began
  StartupStatus startup_status = StartupStatus::NotRunning;
  bool restart_after_crash = true;
  bool hot_standby = true;
  bool walreceiver_requested = false;
  bool abort_timer_running = false;  // SIGKILL escalation armed
};

enum class PmSignal { RecoveryStarted, BeginHotStandby, StartWalReceiver, AdvanceStateMachine };

struct EvStart {};  // shared memory is ready: start the first children
struct EvShutdownRequest { ShutdownMode mode; };
struct EvChildExit { ChildKind kind; int pid; ExitStatus status; bool slot_clean = true; };
struct EvPmSignal { PmSignal signal; };
struct EvAbortTimeout {};  // 5 s after a crash or immediate stop began
using PmEvent = std::variant<EvStart, EvShutdownRequest, EvChildExit, EvPmSignal, EvAbortTimeout>;

enum class QuitFor { Crash, Stop };

struct ActLog { std::string text; };
struct ActSignal { unsigned targets; int signo; const char* why = ""; };  // why: short words for the event stream
struct ActLaunch { ChildKind kind; };
struct ActSetQuitReason { QuitFor reason; };
struct ActSetPidStatus { std::string status; };  // postmaster.pid line 8, 8 chars
struct ActReinitSharedMemory {};
struct ActStartAbortTimer {};
struct ActExit { int code; };
// The two requests of a clean stop that are more than a signal: the
// checkpointer is asked for the shutdown checkpoint (after which it exits),
// and after it, walsenders are told that this is their last cycle (send
// everything through the shutdown checkpoint record, then stop). The loop
// records the request in shared memory, then rings SIGUSR2 as the doorbell.
struct ActRequestShutdownCheckpoint {};
struct ActTellWalsendersLastCycle {};
// For the event stream (SPEC 10.1): a state change, logged by the ActLog next
// to it; and a child's exit, first action of its EvChildExit step, crash true
// when this exit starts a crash cycle.
struct ActStateChange { PmState from; PmState to; };
struct ActChildExited { ChildKind kind; int pid; ExitStatus status; bool crash; };
using PmAction = std::variant<ActLog, ActSignal, ActLaunch, ActSetQuitReason, ActSetPidStatus,
                              ActReinitSharedMemory, ActStartAbortTimer, ActExit, ActStateChange,
                              ActChildExited, ActRequestShutdownCheckpoint, ActTellWalsendersLastCycle>;

struct Step {
  PmContext ctx;
  std::vector<PmAction> actions;
};

// The transition function. Pure: same inputs, same outputs.
[[nodiscard]] Step step(const PmContext& ctx, const PmEvent& ev, const ChildCounts& children);

// What a new connection gets in this context (PostgreSQL's canAcceptConnections).
enum class ConnAdmission { Ok, StartingUp, ShuttingDown, NotConsistent, HotStandbyOff, InRecoveryMode, NotAccepted };
[[nodiscard]] ConnAdmission admit_connection(const PmContext& ctx);

}  // namespace pmemu::postmaster
