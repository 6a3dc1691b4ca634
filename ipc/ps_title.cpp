#include "ipc/ps_title.h"

#include <cstdlib>
#include <cstring>
#include <sys/prctl.h>

extern char** environ;

namespace pmemu::ipc {
namespace {
char* g_area = nullptr;
std::size_t g_area_len = 0;
}

char** ps_title_init(int argc, char** argv) {
  // The argv strings and then the environ strings are contiguous; take all of
  // that as the title area, after copying both somewhere safe.
  char* end = nullptr;
  for (int i = 0; i < argc; ++i)
    if (i == 0 || end + 1 == argv[i]) end = argv[i] + std::strlen(argv[i]);
  int envc = 0;
  for (; environ[envc]; ++envc)
    if (end + 1 == environ[envc]) end = environ[envc] + std::strlen(environ[envc]);

  char** new_env = static_cast<char**>(std::malloc(sizeof(char*) * (envc + 1)));
  for (int i = 0; i < envc; ++i) new_env[i] = strdup(environ[i]);
  new_env[envc] = nullptr;
  environ = new_env;

  char** new_argv = static_cast<char**>(std::malloc(sizeof(char*) * (argc + 1)));
  for (int i = 0; i < argc; ++i) new_argv[i] = strdup(argv[i]);
  new_argv[argc] = nullptr;

  if (argc > 0 && end) {
    g_area = argv[0];
    g_area_len = static_cast<std::size_t>(end - argv[0]);
  }
  return new_argv;
}

void set_ps_title(const std::string& title) {
  std::string full = "postmaster: " + title;
  if (g_area && g_area_len > 1) {
    std::size_t n = full.size() < g_area_len ? full.size() : g_area_len - 1;
    std::memcpy(g_area, full.data(), n);
    std::memset(g_area + n, 0, g_area_len - n);
  }
  // The short name in /proc/PID/comm costs a system call; a session sets its
  // title twice per query, so only call when those 15 characters change.
  static std::string last_comm;
  std::string comm = title.substr(0, 15);
  if (comm != last_comm) {
    ::prctl(PR_SET_NAME, comm.c_str());
    last_comm = comm;
  }
}

}  // namespace pmemu::ipc
