// synchronous_standby_names as `text` (this process's setting), parsed once
// per distinct value (the setting only changes on reload). An invalid value means "not
// defined": the setting's own validation refuses it before it gets here.
#pragma once

#include <string>

#include "syncrep/standby_names.h"

namespace pmemu::syncrep {

[[nodiscard]] const StandbyNames& current_standby_names(const std::string& text);

}  // namespace pmemu::syncrep
