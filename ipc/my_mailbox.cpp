#include "ipc/my_mailbox.h"

#include <optional>
#include <unistd.h>

#include "ipc/imessage_area.h"
#include "ipc/process_env.h"

namespace pmemu::ipc::imessage {
namespace {
std::optional<Mailbox> g_mailbox;
}

std::string open_my_mailbox() {
  auto& e = env();
  Area* area = Area::attach(e.areas.imessage);
  if (!area) return "the imessage area is not initialised";
  auto r = Mailbox::open(area, e.my_slot, Pid{::getpid()});
  if (auto* err = std::get_if<std::string>(&r)) return *err;
  g_mailbox.emplace(std::move(std::get<Mailbox>(r)));
  return {};
}

Mailbox* my_mailbox() { return g_mailbox ? &*g_mailbox : nullptr; }

void close_my_mailbox() { g_mailbox.reset(); }

}  // namespace pmemu::ipc::imessage
