#include "postmaster/ipci.h"

#include <unistd.h>

#include "checkpoint/checkpointer_shmem.h"
#include "faults/registry.h"
#include "ipc/imessage_area.h"
#include "kv/kv_table.h"
#include "shmem/pmsignal.h"
#include "shmem/proc_slots.h"
#include "shmem/segment_header.h"
#include "recovery/recovery_shmem.h"
#include "syncrep/syncrep_shmem.h"
#include "replication/walrcv_data.h"
#include "wal/xlog_ctl.h"
#include "replication/walsnd_ctl.h"

namespace pmemu::postmaster {
namespace {

constexpr std::size_t kAlign = 64;

// Adds an area of `bytes` at the next aligned offset; false on overflow.
bool add_area(std::size_t* total, std::size_t bytes, std::uint64_t* offset) {
  std::size_t aligned = (*total + kAlign - 1) & ~(kAlign - 1);
  if (aligned < *total) return false;
  *offset = aligned;
  return !__builtin_add_overflow(aligned, bytes, total);
}

}  // namespace

std::uint32_t child_slot_count(const config::Settings& s) {
  // startup, checkpointer, walreceiver, plus two per connection place
  return static_cast<std::uint32_t>(3 + 2 * (s.max_connections + s.max_wal_senders));
}

std::unique_ptr<shmem::Segment> create_shared_memory(std::uint64_t key, const ShmemParams& p,
                                                     std::uint64_t generation, ipc::SharedAreas* areas,
                                                     std::string* error) {
  shmem::AreaOffsets off{};
  std::size_t total = sizeof(shmem::SegmentHeader);
  const std::size_t walsnd_bytes = replication::WalSndCtl::shmem_size(p.max_wal_senders);
  bool ok = add_area(&total, shmem::PmSignalData::shmem_size(p.num_child_slots), &off.pmsignal) &&
            add_area(&total, shmem::ProcSlots::shmem_size(p.num_child_slots), &off.procs) &&
            add_area(&total, wal::XlogCtl::shmem_size(), &off.xlog) &&
            add_area(&total, checkpoint::CheckpointerShmem::shmem_size(), &off.checkpointer) &&
            add_area(&total, kv::KvTable::shmem_size(p.kv_table_bytes), &off.kv) &&
            add_area(&total, walsnd_bytes, &off.walsnd) && add_area(&total, replication::WalRcvData::shmem_size(), &off.walrcv) &&
            add_area(&total, recovery::RecoveryShmem::shmem_size(), &off.recovery) &&
            add_area(&total, syncrep::SyncRepShmem::shmem_size(p.num_child_slots), &off.syncrep) &&
            add_area(&total, ipc::imessage::shmem_size(p.imessage_bytes, p.num_child_slots), &off.imessage) &&
            add_area(&total, faults::Registry::shmem_size(), &off.faults);
  if (!ok) {
    *error = "shared memory size overflows: reduce kv_table_size or imessage_buffer_size";
    return nullptr;
  }
  off.imessage_size = ipc::imessage::shmem_size(p.imessage_bytes, p.num_child_slots);
  auto seg = shmem::Segment::create(key, total, error);
  if (!seg) return nullptr;

  auto* base = static_cast<char*>(seg->base());
  auto* hdr = reinterpret_cast<shmem::SegmentHeader*>(base);
  hdr->magic = shmem::kSegmentMagic;
  hdr->layout_version = shmem::kLayoutVersion;
  hdr->size = total;
  hdr->generation = generation;
  hdr->postmaster_pid = ::getpid();
  hdr->areas = off;

  areas->header = hdr;
  areas->pmsignal = shmem::PmSignalData::shmem_init(base + off.pmsignal, p.num_child_slots);
  areas->procs = shmem::ProcSlots::shmem_init(base + off.procs, p.num_child_slots);
  areas->xlog = wal::XlogCtl::shmem_init(base + off.xlog, p.system_identifier, p.wal_segment_size);
  areas->checkpointer = checkpoint::CheckpointerShmem::shmem_init(base + off.checkpointer);
  areas->kv = kv::KvTable::shmem_init(base + off.kv, p.kv_table_bytes);
  areas->walsnd = replication::WalSndCtl::shmem_init(base + off.walsnd, p.max_wal_senders);
  areas->walrcv = replication::WalRcvData::shmem_init(base + off.walrcv);
  areas->recovery = recovery::RecoveryShmem::shmem_init(base + off.recovery);
  areas->syncrep = syncrep::SyncRepShmem::shmem_init(base + off.syncrep, p.num_child_slots);
  areas->imessage = base + off.imessage;
  ipc::imessage::shmem_init(areas->imessage, p.imessage_bytes, p.num_child_slots);
  areas->imessage_size = off.imessage_size;
  areas->faults = faults::Registry::shmem_init(base + off.faults);
  faults::set_registry(areas->faults);
  return seg;
}

}  // namespace pmemu::postmaster
