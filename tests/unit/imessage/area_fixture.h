// A fresh imessage area in an anonymous shared mapping (so forked children
// in crash tests see the same queues).
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "ipc/imessage.h"
#include "ipc/signals.h"

namespace pmemu::ipc::imessage::test {

// Recipients that announce sleep get SIGUSR2: catch it as every process does.
inline void catch_usr2_once() {
  static bool done = false;
  if (done) return;
  init_self_pipe();
  catch_signal(SIGUSR2, Sig::Usr2);
  done = true;
}

class AreaFixture {
 public:
  AreaFixture(std::uint32_t pages, std::uint32_t slots)
      : size_(shmem_size(std::size_t{pages} * kPageSize, slots)) {
    catch_usr2_once();
    mem_ = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem_ == MAP_FAILED) throw std::runtime_error("mmap failed");
    area_ = shmem_init(mem_, std::size_t{pages} * kPageSize, slots);
  }
  ~AreaFixture() { ::munmap(mem_, size_); }
  AreaFixture(const AreaFixture&) = delete;
  AreaFixture& operator=(const AreaFixture&) = delete;
  Area& area() { return *area_; }
  void* raw() { return mem_; }

  Mailbox open(std::uint32_t slot, pid_t pid = ::getpid()) {
    auto r = Mailbox::open(area_, ChildSlot(slot), Pid(pid));
    if (auto* err = std::get_if<std::string>(&r)) throw std::runtime_error(*err);
    return std::move(std::get<Mailbox>(r));
  }

 private:
  std::size_t size_;
  void* mem_;
  Area* area_;
};

inline std::vector<std::byte> bytes_of(std::size_t n, unsigned seed) {
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::byte>((seed * 131 + i * 7) & 0xff);
  return v;
}

inline bool same(const Message& m, const std::vector<std::byte>& v) {
  return m.length == v.size() && (v.empty() || std::memcmp(m.payload.data(), v.data(), v.size()) == 0);
}

}  // namespace pmemu::ipc::imessage::test
