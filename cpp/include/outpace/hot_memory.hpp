// Memory for the arrays every pacing tick reads: the predictive model's table rows and the
// group's per-agent and per-call times. A Dialer ticking thousands of groups reads a few
// lines from each of them, and on 4 KiB pages nearly every line sits on a page of its own
// among gigabytes of heap: a TLB miss (a page walk) per line. This memory comes from one
// pool whose large chunks are backed by 2 MiB transparent huge pages where the OS offers
// them (Linux, madvise), so the same lines need a few hundred TLB entries in all.
#pragma once

#include <cstddef>
#include <memory_resource>
#include <new>
#include <vector>

namespace outpace {

// The pool (thread-safe). It is never destroyed, so groups that outlive static
// destructors (held by Python until interpreter exit) can still free into it.
std::pmr::memory_resource* hot_memory();

// A stateless allocator over hot_memory(), for std::vector and other containers.
template <class T>
struct HotAllocator {
  using value_type = T;
  HotAllocator() noexcept = default;
  template <class U>
  HotAllocator(const HotAllocator<U>&) noexcept {}  // NOLINT: implicit, as allocators are
  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(hot_memory()->allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { hot_memory()->deallocate(p, n * sizeof(T), alignof(T)); }
  template <class U>
  bool operator==(const HotAllocator<U>&) const noexcept { return true; }
  template <class U>
  bool operator!=(const HotAllocator<U>&) const noexcept { return false; }
};

template <class T>
using HotVector = std::vector<T, HotAllocator<T>>;

}  // namespace outpace
