#pragma once
namespace pmemu::startup {
// Crash recovery, or standby replay until promotion; exits 0 when WAL may be
// written (the postmaster then enters PM_RUN).
[[noreturn]] void startup_main();
// SIGTERM ends the process (exit 1), postmaster death too; SIGHUP reloads.
void check_startup_interrupts();
}  // namespace pmemu::startup
