#include "wal/xlog_ctl.h"

#include <cstdlib>
#include <new>

#include "wal/segment.h"

namespace pmemu::wal {

std::size_t XlogCtl::shmem_size() { return sizeof(XlogCtl); }

XlogCtl* XlogCtl::shmem_init(void* where, std::uint64_t system_identifier, std::uint32_t wal_segment_size) {
  if (!valid_segment_size(wal_segment_size)) std::abort();
  if (reinterpret_cast<std::uintptr_t>(where) % alignof(XlogCtl) != 0) std::abort();
  auto* c = new (where) XlogCtl;
  c->magic = kMagic;
  c->wal_segment_size = wal_segment_size;
  c->system_identifier = system_identifier;
  c->insert_lock.init();
  c->insert_pos = 0;
  c->prev_record = 0;
  c->insert_tli = 0;
  c->tli.store(0, std::memory_order_relaxed);
  c->written.store(Lsn{}, std::memory_order_relaxed);
  c->flushed.store(Lsn{}, std::memory_order_relaxed);
  c->flush_lock.init();
  return c;
}

}  // namespace pmemu::wal
