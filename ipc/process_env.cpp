#include "ipc/process_env.h"

#include "shmem/proc_slots.h"

namespace pmemu::ipc {

ProcessEnv& env() {
  static ProcessEnv e;
  return e;
}

shmem::ProcSlot* my_proc_slot() {
  auto& e = env();
  if (!e.areas.procs) return nullptr;
  return e.areas.procs->get(e.my_slot);
}

}  // namespace pmemu::ipc
