#pragma once
namespace pmemu::startup {
// Crash recovery (and, with the replication issue, standby replay); exits 0
// when the database is consistent and WAL may be written.
[[noreturn]] void startup_main();
}  // namespace pmemu::startup
