// Runs a client program (pmctl, psql, pgbench) to completion and captures
// what it printed. The child gets no stdin (/dev/null) and is SIGKILLed if it
// outlives its timeout, so a hung client fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace pmemu::integration {

struct CmdResult {
  int exit_code = -1;  // exit status; 128+N if killed by signal N
  bool timed_out = false;
  std::string out;
  std::string err;

  // "exit 1; stdout: ...; stderr: ..." for assertion messages.
  [[nodiscard]] std::string describe() const;
};

// argv[0] is looked up in PATH unless it contains a '/'.
[[nodiscard]] CmdResult run_command(const std::vector<std::string>& argv,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace pmemu::integration
