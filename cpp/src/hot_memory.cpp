#include "outpace/hot_memory.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace outpace {

namespace {

#if defined(__linux__)
constexpr std::size_t kPage = std::size_t{4} << 10;
constexpr std::size_t kHugePage = std::size_t{2} << 20;
// The pool's chunks (and blocks too large to pool) get mappings of their own, aligned to a
// huge page and marked for transparent huge pages; its small bookkeeping comes from
// new/delete. Deallocation is told the size, so the two never mix.
constexpr std::size_t kMapFrom = std::size_t{64} << 10;

std::uintptr_t round_up(std::uintptr_t n, std::uintptr_t to) { return (n + to - 1) / to * to; }
bool mapped(std::size_t bytes, std::size_t align) { return bytes >= kMapFrom && align <= kHugePage; }
#endif

class HugePageResource final : public std::pmr::memory_resource {
  void* do_allocate(std::size_t bytes, std::size_t align) override {
#if defined(__linux__)
    if (mapped(bytes, align)) {
      // Map a huge page more than needed, then give back the unaligned head and the tail.
      const std::size_t size = round_up(bytes, kPage);
      const std::size_t span = size + kHugePage;
      void* m = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (m == MAP_FAILED) throw std::bad_alloc();
      const auto base = reinterpret_cast<std::uintptr_t>(m);
      const std::uintptr_t start = round_up(base, kHugePage);
      const std::uintptr_t end = start + size;
      if (start > base) munmap(m, start - base);
      if (base + span > end) munmap(reinterpret_cast<void*>(end), base + span - end);
      // A hint: where transparent huge pages are off this memory keeps 4 KiB pages.
      madvise(reinterpret_cast<void*>(start), size, MADV_HUGEPAGE);
      return reinterpret_cast<void*>(start);
    }
#endif
    return std::pmr::new_delete_resource()->allocate(bytes, align);
  }

  void do_deallocate(void* p, std::size_t bytes, std::size_t align) override {
#if defined(__linux__)
    if (mapped(bytes, align)) {
      munmap(p, round_up(bytes, kPage));
      return;
    }
#endif
    std::pmr::new_delete_resource()->deallocate(p, bytes, align);
  }

  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }
};

}  // namespace

std::pmr::memory_resource* hot_memory() {
  // Blocks up to 256 KiB are pooled by size (a talk table of 20 minutes is 14 KiB), so
  // the groups' arrays of one size share chunks, which grow to many huge pages.
  static std::pmr::memory_resource* const pool = [] {
    std::pmr::pool_options options;
    options.largest_required_pool_block = std::size_t{256} << 10;
    return new std::pmr::synchronized_pool_resource(options, new HugePageResource);
  }();
  return pool;
}

}  // namespace outpace
