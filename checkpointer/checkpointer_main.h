#pragma once
namespace pmemu::checkpointer {
// Timed and requested checkpoints; on SIGUSR2 the shutdown checkpoint, then exit 0.
[[noreturn]] void checkpointer_main();
}  // namespace pmemu::checkpointer
