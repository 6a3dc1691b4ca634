#include "walreceiver/walreceiver_main.h"

#include <unistd.h>

#include "common/elog.h"

namespace pmemu::walreceiver {

void walreceiver_main() {
  elog::log(elog::Level::Fatal, "streaming replication is not available in this build yet");
  _exit(1);
}

}  // namespace pmemu::walreceiver
