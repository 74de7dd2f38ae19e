// The default-width LIFO is compiled once here; other widths (the tiny-tag test build)
// instantiate the template from the header. Also the registry of live stacks behind the
// per-thread node caches (see the header comment of outpace/lifo.hpp).
#include "outpace/lifo.hpp"

#include <mutex>
#include <unordered_set>

namespace outpace {

namespace detail {
namespace {

struct Registry {
  std::mutex mu;
  std::unordered_set<std::uint64_t> live;     // ids of stacks not yet destroyed (under mu)
  std::uint64_t next_id = 1;                  // under mu; 0 means "no id"
  std::atomic<std::uint64_t> generation{0};   // stacks destroyed so far (written under mu)
};

// Never destroyed: threads may exit (and give their caches back) during or after the
// destruction of static objects at process exit.
Registry& registry() {
  static Registry* const r = new Registry;
  return *r;
}

// Gives every cache of the exiting thread back to its stack, if that stack still lives.
struct ThreadExitHook {
  ThreadExitHook() = default;
  ThreadExitHook(const ThreadExitHook&) = delete;
  ThreadExitHook& operator=(const ThreadExitHook&) = delete;
  ~ThreadExitHook() {
    LifoThreadCache& tc = t_lifo_cache;
    Registry& r = registry();
    const std::lock_guard<std::mutex> lock(r.mu);
    for (std::size_t k = 0; k < kLifoCacheSlots; ++k) {
      if (tc.ids[k] == 0) continue;
      LifoCacheSlot& slot = tc.slots[k];
      // Under the mutex a registered stack cannot start its destructor: safe to touch.
      if (r.live.count(tc.ids[k]) != 0) slot.give_back(slot.owner, slot.nodes, slot.count);
      tc.ids[k] = 0;
      slot.count = 0;
    }
    tc.state = 2;  // closed: no caches for whatever this thread still does on its way out
  }
};

}  // namespace

std::uint64_t lifo_register() {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mu);
  const std::uint64_t id = r.next_id++;
  r.live.insert(id);
  return id;
}

void lifo_unregister(std::uint64_t id) noexcept {
  Registry& r = registry();
  const std::lock_guard<std::mutex> lock(r.mu);
  r.live.erase(id);
  r.generation.fetch_add(1, std::memory_order_relaxed);
}

bool lifo_reclaim_dead_slots(LifoThreadCache& cache) noexcept {
  Registry& r = registry();
  const std::uint64_t generation = r.generation.load(std::memory_order_relaxed);
  if (generation == cache.seen_generation) return false;  // nothing destroyed since the last look
  const std::unique_lock<std::mutex> lock(r.mu, std::try_to_lock);
  if (!lock.owns_lock()) return false;  // never wait on the fast operations' behalf
  bool freed = false;
  for (std::size_t k = 0; k < kLifoCacheSlots; ++k) {
    if (cache.ids[k] != 0 && r.live.count(cache.ids[k]) == 0) {
      cache.ids[k] = 0;  // its nodes went with the stack
      cache.slots[k].count = 0;
      freed = true;
    }
  }
  cache.seen_generation = generation;
  return freed;
}

void lifo_arm_thread_exit() noexcept {
  static thread_local ThreadExitHook hook;  // constructed here, destroyed at thread exit
  (void)hook;
}

}  // namespace detail

template class BasicLifo<kLifoTagBits>;

}  // namespace outpace
