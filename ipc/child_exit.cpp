#include "ipc/child_exit.h"

#include <unistd.h>

#include "ipc/my_mailbox.h"
#include "ipc/process_env.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"

namespace pmemu::ipc {

void exit_child_cleanly(int code) {
  auto& e = env();
  imessage::close_my_mailbox();
  if (auto* slot = my_proc_slot()) shmem::proc_slot_end(*slot);
  if (e.my_slot.valid() && e.areas.pmsignal) shmem::mark_child_inactive(*e.areas.pmsignal, e.my_slot);
  _exit(code);
}

}  // namespace pmemu::ipc
