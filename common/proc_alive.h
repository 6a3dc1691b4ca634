// Is a process alive? kill(pid, 0) alone says yes for a zombie, and on this
// kind of machine PID 1 reaps orphaned zombies only every ~2 s (reference
// pg15-observed section 6), so a postmaster that has exited would look alive
// for seconds. A process whose /proc/PID/stat state is Z (zombie) or X (dead)
// counts as gone.
#pragma once

#include <optional>
#include <string_view>

#include "common/strong_id.h"

namespace pmemu {

// The one-letter state from the text of /proc/PID/stat. The command name in
// parentheses may itself contain ") ", so the state is found after the LAST
// ')'. nullopt if the text does not have that shape.
[[nodiscard]] std::optional<char> parse_proc_stat_state(std::string_view stat_text);

// True if `pid` exists and is not a zombie. A process we may not signal
// (EPERM) still exists.
[[nodiscard]] bool process_alive(Pid pid);

}  // namespace pmemu
