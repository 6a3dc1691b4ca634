#include "faults/setting.h"

#include <algorithm>

namespace pmemu::faults {

bool apply_setting(Registry& r, std::string_view text, std::vector<std::string>* armed_by_setting,
                   std::string* error) {
  std::vector<NamedSpec> entries;
  if (!parse_setting(text, &entries, error)) return false;
  bool ok = true;
  for (const auto& old : *armed_by_setting) {
    const bool kept = std::any_of(entries.begin(), entries.end(), [&](const NamedSpec& e) { return e.name == old; });
    if (!kept) ok = clear(r, *find_point(old), error) && ok;
  }
  armed_by_setting->clear();
  for (const auto& e : entries) {
    ok = arm(r, *find_point(e.name), e.spec, error) && ok;
    armed_by_setting->push_back(e.name);
  }
  return ok;
}

}  // namespace pmemu::faults
