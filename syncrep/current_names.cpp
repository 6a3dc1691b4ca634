#include "syncrep/current_names.h"

#include <string>

#include "ipc/process_env.h"

namespace pmemu::syncrep {

const StandbyNames& current_standby_names() {
  static std::string parsed_text = "\x01";  // never a real value: forces the first parse
  static StandbyNames names;
  const std::string& now = ipc::env().settings.synchronous_standby_names;
  if (now != parsed_text) {
    std::string err;
    names = parse_standby_names(now, &err).value_or(StandbyNames{});
    parsed_text = now;
  }
  return names;
}

}  // namespace pmemu::syncrep
