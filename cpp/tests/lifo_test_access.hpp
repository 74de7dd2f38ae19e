// Test-only view of a BasicLifo's internals (the class befriends LifoTestAccess): the node
// pool, the cache permits, this thread's cache, and a count of the free stack. The free
// stack count walks the chain, so it is only meaningful while no other thread uses the
// stack.
#pragma once

#include <cstddef>
#include <cstdint>

#include "outpace/lifo.hpp"

namespace outpace {

struct LifoTestAccess {
  template <class L>
  static std::uint32_t pool(const L& s) {
    return s.pool_;
  }
  template <class L>
  static std::uint32_t permits(const L& s) {
    return s.permits_.load();
  }
  template <class L>
  static std::uint64_t id(const L& s) {
    return s.id_;
  }
  template <class L>
  static bool uses_memo(const L& s) {
    return s.memo_;
  }
  // Nodes the calling thread caches for s; -1 when it has no cache of s.
  template <class L>
  static long cached_here(const L& s) {
    const detail::LifoThreadCache& tc = detail::t_lifo_cache;
    for (std::size_t k = 0; k < kLifoCacheSlots; ++k) {
      if (s.id_ != 0 && tc.ids[k] == s.id_) return static_cast<long>(tc.slots[k].count);
    }
    return -1;
  }
  // Slots of the calling thread in use (by live or destroyed stacks).
  static std::size_t slots_in_use() {
    std::size_t n = 0;
    for (std::size_t k = 0; k < kLifoCacheSlots; ++k) n += detail::t_lifo_cache.ids[k] != 0;
    return n;
  }
  // Nodes on the free stack (quiescent only); stops at pool + 1 if the chain has a cycle.
  template <class L>
  static std::size_t free_count(const L& s) {
    std::uint32_t n = s.index_of(s.free_.word.load());
    std::size_t count = 0;
    while (n != s.null_ && count <= s.pool_) {
      ++count;
      n = s.nodes_[n].next.load();
    }
    return count;
  }
};

}  // namespace outpace
