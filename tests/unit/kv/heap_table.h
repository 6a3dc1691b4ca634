// A KvTable in private, 64-byte aligned heap memory, for single-process tests.
#pragma once

#include <cstddef>
#include <new>

#include "kv/kv_table.h"

namespace pmemu::kv::testing {

class HeapTable {
 public:
  explicit HeapTable(std::size_t table_bytes)
      : bytes_(KvTable::shmem_size(table_bytes)),
        mem_(::operator new(bytes_, std::align_val_t{64})),
        table_(KvTable::shmem_init(mem_, table_bytes)) {}
  ~HeapTable() { ::operator delete(mem_, std::align_val_t{64}); }
  HeapTable(const HeapTable&) = delete;
  HeapTable& operator=(const HeapTable&) = delete;

  KvTable& operator*() { return *table_; }
  KvTable* operator->() { return table_; }

 private:
  std::size_t bytes_;
  void* mem_;
  KvTable* table_;
};

}  // namespace pmemu::kv::testing
