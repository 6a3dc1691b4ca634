#include "backend/timeouts.h"

#include <optional>
#include <sys/time.h>

#include "ipc/signals.h"

namespace pmemu::backend {
namespace {

using Clock = std::chrono::steady_clock;
std::optional<Clock::time_point> g_statement_deadline;

void set_alarm(std::chrono::milliseconds in) {
  itimerval t{};
  t.it_value.tv_sec = static_cast<time_t>(in.count() / 1000);
  t.it_value.tv_usec = static_cast<suseconds_t>((in.count() % 1000) * 1000);
  (void)::setitimer(ITIMER_REAL, &t, nullptr);
}

}  // namespace

void start_statement_timeout(std::chrono::milliseconds limit) {
  if (limit.count() <= 0) return;
  g_statement_deadline = Clock::now() + limit;
  set_alarm(limit);
}

void stop_statement_timeout() {
  if (!g_statement_deadline) return;
  g_statement_deadline.reset();
  set_alarm(std::chrono::milliseconds{0});
  (void)ipc::take(ipc::Sig::Alrm);
}

bool statement_timeout_expired() { return g_statement_deadline && Clock::now() >= *g_statement_deadline; }

}  // namespace pmemu::backend
