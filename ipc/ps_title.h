// The process title `ps` shows, as PostgreSQL's ps_status.c does on Linux:
// the argv area is overwritten in place (environ is moved away first to make
// room), and the short name in /proc/PID/comm is set with prctl.
#pragma once

#include <string>

namespace pmemu::ipc {

// Postmaster main, first thing: remembers the argv area. Returns a private
// copy of argv that stays valid after the area is reused.
char** ps_title_init(int argc, char** argv);
// "postmaster: " + title.
void set_ps_title(const std::string& title);

}  // namespace pmemu::ipc
