#include "syncrep/current_names.h"

#include <string>

namespace pmemu::syncrep {

const StandbyNames& current_standby_names(const std::string& now) {
  static std::string parsed_text = "\x01";  // never a real value: forces the first parse
  static StandbyNames names;
  if (now != parsed_text) {
    std::string err;
    names = parse_standby_names(now, &err).value_or(StandbyNames{});
    parsed_text = now;
  }
  return names;
}

}  // namespace pmemu::syncrep
