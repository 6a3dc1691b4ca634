#include "ipc/lsn_notice.h"

#include <cstring>
#include <string>

#include "common/elog.h"
#include "ipc/my_mailbox.h"
#include "ipc/process_env.h"
#include "shmem/proc_slots.h"

namespace pmemu::ipc {

std::array<std::byte, 8> encode_lsn(Lsn lsn) {
  std::array<std::byte, 8> out;
  const std::uint64_t v = lsn.get();
  std::memcpy(out.data(), &v, sizeof v);
  return out;
}

std::optional<Lsn> decode_lsn(const imessage::Message& m) {
  std::uint64_t v = 0;
  if (m.length != sizeof v) return std::nullopt;
  std::memcpy(&v, m.payload.data(), sizeof v);
  return Lsn{v};
}

Delivery notify_lsn(ChildSlot to, imessage::MessageType type, Lsn lsn) {
  auto* procs = env().areas.procs;
  auto* slot = procs ? procs->get(to) : nullptr;
  if (!slot) return Delivery::NoSuchSlot;
  if (auto* mb = imessage::my_mailbox()) {
    const auto payload = encode_lsn(lsn);
    if (mb->send(to, type, payload) == imessage::SendStatus::Ok) return Delivery::Queued;
  }
  // Full area, a mailbox not (or no longer) open, or no mailbox of our own:
  // the latch makes the recipient re-read the shared position instead.
  shmem::set_latch(slot->latch);
  return Delivery::LatchSet;
}

void wake_on_messages(WaitSpec& w) {
  if (auto* mb = imessage::my_mailbox()) w.messages = mb->wait_hook();
}

Lsn drain_lsn_notices(imessage::MessageType want) {
  Lsn best;
  auto* mb = imessage::my_mailbox();
  if (!mb) return best;
  imessage::Message m;
  while (mb->receive(m)) {
    auto lsn = decode_lsn(m);
    if (m.type != static_cast<std::uint16_t>(want) || !lsn) {
      elog::log(elog::Level::Log, "ignoring unexpected imessage of type " + std::to_string(m.type) + " (" +
                                      std::to_string(m.length) + " bytes) from process " +
                                      std::to_string(m.sender.get()));
      continue;
    }
    if (!best.valid() || *lsn > best) best = *lsn;
  }
  return best;
}

}  // namespace pmemu::ipc
