// The fault_points setting (SPEC 10.3), applied by the postmaster: at start,
// after each crash restart's new segment, and when a reload changes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "faults/registry.h"

namespace pmemu::faults {

// Arms every entry of `text`, and clears the points that `*armed_by_setting`
// (the names the previous value armed) holds but `text` no longer names;
// `*armed_by_setting` becomes the new names. Points armed by pmctl are left
// alone unless the setting names them. False with `error` if the text is
// invalid (nothing changes then) or a slot could not be written.
bool apply_setting(Registry& r, std::string_view text, std::vector<std::string>* armed_by_setting,
                   std::string* error);

}  // namespace pmemu::faults
