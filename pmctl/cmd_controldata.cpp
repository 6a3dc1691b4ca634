// `pmctl controldata`: pg_controldata's lines for global/pg_control.
#include "pmctl/commands.h"
#include "pmctl/report.h"
#include "wal/control_file.h"

namespace pmemu::pmctl {

int run_controldata(const std::string& data_dir) {
  auto control = wal::read_control_file(data_dir);
  if (!control.ok()) return fail(control.error());
  print_msg(wal::render_controldata(control.value()));
  return kExitOk;
}

}  // namespace pmemu::pmctl
