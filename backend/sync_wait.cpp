#include "backend/sync_wait.h"

#include "backend/session_exit.h"
#include "ipc/lsn_notice.h"
#include "ipc/process_env.h"
#include "ipc/signals.h"
#include "ipc/wait.h"
#include "protocol/backend_messages.h"
#include "shmem/proc_slots.h"
#include "recovery/recovery_shmem.h"
#include "syncrep/current_names.h"
#include "syncrep/syncrep_shmem.h"

namespace pmemu::backend {
namespace {

using protocol::PgError;
constexpr const char* kCommittedLocally =
    "The transaction has already committed locally, but might not have been replicated to the standby.";

std::optional<syncrep::WaitMode> wait_mode() {
  switch (ipc::env().settings.synchronous_commit) {
    case config::SyncCommit::On: return syncrep::WaitMode::Flush;
    case config::SyncCommit::RemoteWrite: return syncrep::WaitMode::Write;
    case config::SyncCommit::RemoteApply: return syncrep::WaitMode::Apply;
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<PgError> wait_for_sync_rep(Lsn commit_end, ClientIo& io) {
  auto& e = ipc::env();
  auto mode = wait_mode();
  if (!mode || !syncrep::current_standby_names(e.settings.synchronous_standby_names).defined() || e.areas.recovery->in_recovery.load() != 0 || !e.areas.syncrep)
    return std::nullopt;
  auto& shm = *e.areas.syncrep;
  const auto m = static_cast<std::uint32_t>(*mode);
  if (shm.released[m].load() >= commit_end) return std::nullopt;
  auto& me = shm.waiters[e.my_slot.get()];
  // A release that came after an earlier wait was already answered.
  (void)ipc::drain_lsn_notices(ipc::imessage::MessageType::SyncRepReleased);
  me.mode.store(m, std::memory_order_release);
  me.wait_lsn.store(commit_end, std::memory_order_seq_cst);
  auto done = [&] { me.wait_lsn.store(Lsn{}, std::memory_order_release); };
  for (;;) {
    if (shm.released[m].load(std::memory_order_seq_cst) >= commit_end) {
      done();
      return std::nullopt;
    }
    ipc::WaitSpec w;
    w.timeout_ms = 1000;
    ipc::wake_on_messages(w);
    auto ev = ipc::wait_on_my_latch(w);
    // The message is the wake-up; released[] stays the authority, because a
    // message may be stale (sent for an earlier wait of this slot).
    (void)ipc::drain_lsn_notices(ipc::imessage::MessageType::SyncRepReleased);
    if (ipc::pending(ipc::Sig::Term) || (ev & ipc::kWaitPostmasterDeath)) {
      done();
      const bool pm_died = (ev & ipc::kWaitPostmasterDeath) != 0;
      protocol::notice_response(
          io.out(), PgError::error(protocol::sqlstate::kAdminShutdown,
                                   std::string("canceling the wait for synchronous replication and terminating "
                                               "connection due to ") +
                                       (pm_died ? "unexpected postmaster exit" : "administrator command"))
                        .with_detail(kCommittedLocally)
                        .as(protocol::Severity::Warning));
      (void)ipc::take(ipc::Sig::Term);
      fatal_exit(io, pm_died ? PgError::postmaster_died() : PgError::admin_shutdown());
    }
    if (process_interrupts(io, InStatement{true}) != Cancel::None) {
      done();
      return PgError::error(protocol::sqlstate::kWarning, "canceling wait for synchronous replication due to user request")
          .with_detail(kCommittedLocally)
          .as(protocol::Severity::Warning);
    }
    // A reload emptied synchronous_standby_names: there is nobody left to
    // wait for, as PostgreSQL's SyncRepUpdateSyncStandbysDefined decides.
    if (!syncrep::current_standby_names(e.settings.synchronous_standby_names).defined()) {
      done();
      return std::nullopt;
    }
  }
}

}  // namespace pmemu::backend
