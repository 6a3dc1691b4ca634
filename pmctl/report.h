// How the control tool talks to its user (SPEC section 1): failures as one
// line `pmctl: error: ...` on stderr, progress on stdout, flushed at once so
// pg_ctl-style "waiting.... done" lines appear as they grow.
#pragma once

#include <cstdio>
#include <string_view>

namespace pmemu::pmctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;

inline void print_msg(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

inline void print_stderr_line(std::string_view text) {
  std::fflush(stdout);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(text.size()), text.data());
}

inline void print_error(std::string_view message) {
  std::fflush(stdout);
  std::fprintf(stderr, "pmctl: error: %.*s\n", static_cast<int>(message.size()), message.data());
}

inline void print_warning(std::string_view message) {
  std::fflush(stdout);
  std::fprintf(stderr, "pmctl: warning: %.*s\n", static_cast<int>(message.size()), message.data());
}

// Prints the error and returns 1, for `return fail("...");`.
inline int fail(std::string_view message) {
  print_error(message);
  return kExitFailure;
}

}  // namespace pmemu::pmctl
