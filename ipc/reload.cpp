#include "ipc/reload.h"

#include "common/elog.h"
#include "events/events.h"
#include "ipc/process_env.h"
#include "ipc/signals.h"

namespace pmemu::ipc {

bool reload_if_requested() {
  if (!take(Sig::Hup)) return false;
  auto& e = env();
  for (auto& m : e.config.reload()) (void)m;  // the postmaster logs reload results
  e.settings = e.config.settings();
  elog::set_min_level(e.settings.log_min_messages);
  // The level read back from the logger, so that a test sees what applies.
  events::emit("config_reloaded", {{"log_min_messages", elog::level_name(elog::min_level())}});
  return true;
}

}  // namespace pmemu::ipc
