#include "ipc/process_env.h"

#include "shmem/proc_slots.h"

namespace pmemu::ipc {

ProcessEnv& env() {
  static ProcessEnv e;
  return e;
}

std::string load_auth_files() {
  auto& e = env();
  auto hba = config::HbaFile::load(e.data_dir + "/pg_hba.conf");
  if (auto* err = std::get_if<config::HbaError>(&hba)) return err->message + " (" + err->context + ")";
  auto roles = config::RoleCatalog::load(e.data_dir + "/" + std::string(config::kRolesFile));
  if (auto* err = std::get_if<std::string>(&roles)) return *err;
  e.hba = std::move(std::get<config::HbaFile>(hba));
  e.roles = std::move(std::get<config::RoleCatalog>(roles));
  return {};
}

shmem::ProcSlot* my_proc_slot() {
  auto& e = env();
  if (!e.areas.procs) return nullptr;
  return e.areas.procs->get(e.my_slot);
}

}  // namespace pmemu::ipc
