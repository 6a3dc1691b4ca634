// A backend's statement_timeout. The deadline lives in this process; an
// ITIMER_REAL alarm fires at it so that whatever wait the statement is in
// wakes (SIGALRM only sets its flag and writes the self-pipe), and
// process_interrupts() compares the clock to decide.
#pragma once

#include <chrono>

namespace pmemu::backend {

// Arms the deadline `limit` from now; a zero limit means none.
void start_statement_timeout(std::chrono::milliseconds limit);
void stop_statement_timeout();
[[nodiscard]] bool statement_timeout_expired();

}  // namespace pmemu::backend
