// main() of the integration binary (the unit binaries keep doctest's own).
//
// - SIGPIPE is ignored: a write to a socket the server already closed must
//   come back as EPIPE and fail an assertion, not end the test process
//   silently (PQcancel, for one, sends without MSG_NOSIGNAL).
// - A listener prints "=== case start: NAME [FILE:LINE]" before and
//   "=== case end (passed|FAILED, S s): NAME [FILE:LINE]" after every case,
//   so a log that ends without an "end" line names the case that was running
//   when the process died; scripts/test reads these lines.
// - SIGUSR1 and SIGUSR2 are caught and reported ("=== stray signal"), not
//   fatal: a server that signals a stale pid (pids wrap at 32768 here, after
//   a few minutes) must not kill a test process that inherited that pid
//   without a trace; scripts/test lists these lines.
// - A run whose filters match no case fails: each meson test runs one source
//   file (--source-file), and a renamed file must not pass with zero cases.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "tests/integration/harness/process.h"

namespace {

unsigned g_cases_run = 0;

std::atomic<unsigned> g_stray_count{0};
std::atomic<int> g_stray_signo{0};
std::atomic<pid_t> g_stray_pid{0};

void on_stray_signal(int signo, siginfo_t* info, void*) {
  g_stray_signo.store(signo);
  g_stray_pid.store(info ? info->si_pid : 0);
  g_stray_count.fetch_add(1);
}

void catch_stray_signals() {
  struct sigaction sa {};
  sa.sa_sigaction = on_stray_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGUSR1, &sa, nullptr);
  ::sigaction(SIGUSR2, &sa, nullptr);
}

void report_stray_signals(const char* during) {
  const unsigned n = g_stray_count.exchange(0);
  if (n == 0) return;
  const pid_t from = g_stray_pid.load();
  const std::string title = pmemu::integration::process_title(pmemu::Pid(from));
  std::fprintf(stderr, "=== stray signal: %u SIGUSR1/SIGUSR2 during %s, the last a %s from pid %d (%s)\n", n, during,
               g_stray_signo.load() == SIGUSR1 ? "SIGUSR1" : "SIGUSR2", static_cast<int>(from),
               title.empty() ? "gone" : title.c_str());
}

const char* file_of(const doctest::TestCaseData& tc) { return tc.m_file.c_str(); }

struct CaseAnnouncer : doctest::IReporter {
  explicit CaseAnnouncer(const doctest::ContextOptions&) {}

  void test_case_start(const doctest::TestCaseData& tc) override {
    current_ = &tc;
    std::fprintf(stderr, "=== case start: %s [%s:%u]\n", tc.m_name, file_of(tc), tc.m_line);
    std::fflush(stderr);
  }
  void test_case_end(const doctest::CurrentTestCaseStats& st) override {
    if (!current_) return;
    report_stray_signals(current_->m_name);
    std::fprintf(stderr, "=== case end (%s, %.1f s): %s [%s:%u]\n", st.testCaseSuccess ? "passed" : "FAILED",
                 st.seconds, current_->m_name, file_of(*current_), current_->m_line);
    std::fflush(stderr);
  }
  void test_run_end(const doctest::TestRunStats& st) override { g_cases_run = st.numTestCasesPassingFilters; }

  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}

 private:
  const doctest::TestCaseData* current_ = nullptr;
};

}  // namespace

REGISTER_LISTENER("case_announcer", 1, CaseAnnouncer);

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  catch_stray_signals();
  doctest::Context context(argc, argv);
  const int rc = context.run();
  report_stray_signals("the run");
  if (context.shouldExit()) return rc;
  if (g_cases_run == 0) {
    std::fprintf(stderr, "integration_tests: no test case matched the filters\n");
    return 1;
  }
  return rc;
}
