#include "shmem/proc_slots.h"

#include <csignal>
#include <cstring>
#include <ctime>
#include <new>

namespace pmemu::shmem {
namespace {

void copy_field(char* dst, std::size_t cap, const std::string& src) {
  std::size_t n = src.size() < cap - 1 ? src.size() : cap - 1;
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

std::string read_field(const char* src, std::size_t cap) { return std::string(src, strnlen(src, cap)); }

}  // namespace

void set_latch(Latch& latch) {
  if (latch.is_set.exchange(1, std::memory_order_acq_rel) != 0) return;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (latch.maybe_sleeping.load(std::memory_order_acquire) != 0) {
    pid_t pid = latch.owner_pid.load(std::memory_order_acquire);
    if (pid > 0) ::kill(pid, SIGUSR1);
  }
}

std::size_t ProcSlots::shmem_size(std::uint32_t count) {
  return sizeof(ProcSlots) + sizeof(ProcSlot) * (count > 0 ? count - 1 : 0);
}

ProcSlots* ProcSlots::shmem_init(void* where, std::uint32_t count) {
  // The segment is zero-filled by the kernel; zero is "free" for every field.
  auto* p = static_cast<ProcSlots*>(where);
  p->count = count;
  return p;
}

void proc_slot_begin(ProcSlot& slot, pid_t pid, std::int32_t cancel_key, const std::string& backend_type) {
  slot.change_count.fetch_add(1, std::memory_order_acq_rel);
  copy_field(slot.backend_type, sizeof slot.backend_type, backend_type);
  slot.state[0] = slot.query[0] = slot.client_addr[0] = slot.application_name[0] = slot.user_name[0] = '\0';
  slot.backend_start = static_cast<std::int64_t>(std::time(nullptr));
  slot.change_count.fetch_add(1, std::memory_order_acq_rel);
  slot.cancel_key.store(cancel_key, std::memory_order_relaxed);
  slot.latch.is_set.store(0);
  slot.latch.maybe_sleeping.store(0);
  slot.latch.owner_pid.store(pid, std::memory_order_release);
  slot.pid.store(pid, std::memory_order_release);
}

void proc_slot_end(ProcSlot& slot) {
  slot.pid.store(0, std::memory_order_release);
  slot.latch.owner_pid.store(0, std::memory_order_release);
  slot.cancel_key.store(0, std::memory_order_relaxed);
}

void proc_slot_set_activity(ProcSlot& slot, const std::string& state, const std::string& query) {
  slot.change_count.fetch_add(1, std::memory_order_acq_rel);
  copy_field(slot.state, sizeof slot.state, state);
  copy_field(slot.query, sizeof slot.query, query);
  slot.change_count.fetch_add(1, std::memory_order_acq_rel);
}

void proc_slot_set_identity(ProcSlot& slot, const std::string& client_addr, const std::string& application_name,
                            const std::string& user_name) {
  slot.change_count.fetch_add(1, std::memory_order_acq_rel);
  copy_field(slot.client_addr, sizeof slot.client_addr, client_addr);
  copy_field(slot.application_name, sizeof slot.application_name, application_name);
  copy_field(slot.user_name, sizeof slot.user_name, user_name);
  slot.change_count.fetch_add(1, std::memory_order_acq_rel);
}

ActivitySnapshot proc_slot_read(const ProcSlot& slot) {
  ActivitySnapshot s;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    std::uint32_t before = slot.change_count.load(std::memory_order_acquire);
    if (before & 1u) continue;
    s.pid = slot.pid.load(std::memory_order_acquire);
    s.backend_type = read_field(slot.backend_type, sizeof slot.backend_type);
    s.state = read_field(slot.state, sizeof slot.state);
    s.query = read_field(slot.query, sizeof slot.query);
    s.client_addr = read_field(slot.client_addr, sizeof slot.client_addr);
    s.application_name = read_field(slot.application_name, sizeof slot.application_name);
    s.user_name = read_field(slot.user_name, sizeof slot.user_name);
    s.backend_start = slot.backend_start;
    std::atomic_thread_fence(std::memory_order_acquire);
    if (slot.change_count.load(std::memory_order_acquire) == before) return s;
  }
  return s;  // a writer stuck mid-update (it died): show what we have
}

}  // namespace pmemu::shmem
