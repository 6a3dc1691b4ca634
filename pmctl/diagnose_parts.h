// The pure parts of `pmctl diagnose` (SPEC 10.2): what it says about the
// postmaster's last state change, pg_control, a process that looks parked,
// and the gdb command it runs. No files or processes here, so
// tests/unit/pmctl/diagnose_parts_test.cpp checks each rule.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wal/control_file.h"

namespace pmemu::pmctl {

// "PM_RUN -> PM_WAIT_BACKENDS at TS (line N)" for the last `state` event of
// events.jsonl's text; nullopt when there is none.
[[nodiscard]] std::optional<std::string> last_state_change(std::string_view events_text);

// A few lines: the state, the latest checkpoint (record, redo, timeline,
// time), the minimum recovery point when set, and when the file was written.
// Times in UTC, so two machines' dumps compare.
[[nodiscard]] std::string control_summary(const wal::ControlFile& c);

// Why a process with this /proc state letter, kernel wait channel and
// `pmctl ps` wait column looks parked, or "" when it does not: stopped by a
// signal or a tracer, in an uninterruptible sleep, exited and not reaped, or
// waiting at a fault point (a wait column naming "FaultPoint:").
[[nodiscard]] std::string parked_reason(char state, std::string_view wchan, std::string_view wait);

// The gdb command line for every thread's backtrace of `pid`, bounded by
// timeout(1) so a process gdb cannot attach to never hangs the dump.
// -nx: no ~/.gdbinit, so the output does not depend on who runs it.
[[nodiscard]] std::vector<std::string> gdb_backtrace_argv(int pid, std::chrono::seconds limit);

}  // namespace pmemu::pmctl
