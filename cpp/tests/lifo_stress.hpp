// Stress harness for BasicLifo: producers push unique ids, consumers pop them (single,
// batch and drain), then every id is counted. Shared by the stress test (the real stack
// must come out clean) and the ABA demonstration (a tiny-tag stack must not).
//
// Every loop is bounded so that a corrupted stack cannot hang the test: consumers stop
// once they have popped more ids than were ever pushed (a cycle), and a watchdog stops
// every thread when no thread has made progress for `stall_limit` (nodes lost from the
// free stack leave producers waiting forever on a "full" stack).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "outpace/lifo.hpp"

namespace outpace::stress {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kUnderTsan = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kUnderTsan = true;
#else
inline constexpr bool kUnderTsan = false;
#endif
#else
inline constexpr bool kUnderTsan = false;
#endif

// Ids pushed per stress case: OUTPACE_STRESS_IDS overrides; ThreadSanitizer runs are
// slower (about 2x here, more on busy machines), so they get a quarter.
inline std::uint64_t ids_per_case(std::uint64_t normal) {
  if (const char* env = std::getenv("OUTPACE_STRESS_IDS")) {
    const auto value = std::strtoull(env, nullptr, 10);
    if (value > 0) return value;
  }
  return kUnderTsan ? normal / 4 : normal;
}

// A race window that yields the CPU on every `Every`-th pop attempt of each thread: with
// more threads than cores, another thread then runs whole operations between a popper's
// read of n.next and its CAS, the interleaving that ABA needs and that preemption alone
// hits only rarely (a few nanoseconds out of a time slice).
template <unsigned Every>
struct YieldingWindow {
  static void between_read_and_cas() noexcept {
    thread_local unsigned calls = 0;
    if (++calls % Every == 0) std::this_thread::yield();
  }
};

struct Config {
  std::size_t capacity = 2;
  unsigned producers = 2;
  unsigned consumers = 2;
  std::uint64_t total_ids = 1'000'000;
  bool batches = false;  // mix push_many, pop_many and drain with the single operations
  std::chrono::milliseconds stall_limit{10'000};
  LifoCaching caching{};  // per-thread node caches of the stack under test
  // Keep a lower bound of the ids inside (pushes counted after they return, pops before
  // they start) in one shared counter and report if it ever exceeds capacity. Adds a
  // contended RMW per operation, so off unless a test asks.
  bool check_bound = false;
};

struct Report {
  std::uint64_t pushed = 0;      // ids the stack accepted
  std::uint64_t taken = 0;       // ids that came out (pop, pop_many, drain, final drain)
  std::uint64_t lost = 0;        // accepted ids that never came out
  std::uint64_t duplicated = 0;  // extra copies of ids that came out more than once
  std::uint64_t foreign = 0;     // ids that came out but were never pushed
  bool overflowed = false;       // a consumer took more ids than were pushed (a cycle)
  bool stalled = false;          // the watchdog stopped the run
  bool pool_intact = false;      // afterwards exactly capacity() pushes fit, and come back
  std::int64_t most_inside = 0;  // check_bound: the largest lower bound of ids inside seen

  bool over_capacity(std::size_t capacity) const { return most_inside > static_cast<std::int64_t>(capacity); }
  bool clean() const {
    return lost == 0 && duplicated == 0 && foreign == 0 && !overflowed && !stalled && pool_intact &&
           taken == pushed;
  }
  std::string describe() const {
    return "pushed=" + std::to_string(pushed) + " taken=" + std::to_string(taken) + " lost=" +
           std::to_string(lost) + " duplicated=" + std::to_string(duplicated) + " foreign=" +
           std::to_string(foreign) + " overflowed=" + std::to_string(overflowed) + " stalled=" +
           std::to_string(stalled) + " pool_intact=" + std::to_string(pool_intact) +
           " most_inside=" + std::to_string(most_inside);
  }
};

namespace detail {
struct alignas(64) Progress {
  std::atomic<std::uint64_t> count{0};
};
}  // namespace detail

template <unsigned TagBits, class Window = NoRaceWindow>
Report run(const Config& cfg) {
  BasicLifo<TagBits, Window> stack(cfg.capacity, cfg.caching);
  const std::uint64_t per_producer = cfg.total_ids / cfg.producers;
  const std::uint64_t total = per_producer * cfg.producers;
  const unsigned threads = cfg.producers + cfg.consumers;

  std::atomic<bool> stop{false};
  std::atomic<unsigned> producers_left{cfg.producers};
  std::vector<detail::Progress> progress(threads);
  std::vector<std::uint64_t> accepted(cfg.producers, 0);
  std::vector<std::vector<std::uint64_t>> taken(cfg.consumers);
  std::atomic<bool> overflowed{false};
  // check_bound: pushes add after they succeed, pops subtract before they start and add
  // back what they did not take, so `inside` never exceeds the ids really inside.
  std::atomic<std::int64_t> inside{0};
  std::atomic<std::int64_t> most_inside{0};
  const auto note_pushed = [&](std::uint64_t k) {
    if (!cfg.check_bound || k == 0) return;
    const std::int64_t now = inside.fetch_add(static_cast<std::int64_t>(k)) + static_cast<std::int64_t>(k);
    std::int64_t seen = most_inside.load(std::memory_order_relaxed);
    while (now > seen && !most_inside.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
  };
  const auto before_pop = [&](std::uint64_t k) {
    if (cfg.check_bound) inside.fetch_sub(static_cast<std::int64_t>(k));
  };
  const auto after_pop = [&](std::uint64_t asked, std::uint64_t got) {
    if (cfg.check_bound && got < asked) inside.fetch_add(static_cast<std::int64_t>(asked - got));
  };

  const auto producer = [&](unsigned p) {
    // Ids are 1-based and unique: producer p owns [p * per_producer + 1, (p + 1) * per_producer].
    const std::uint64_t first = p * per_producer + 1;
    std::uint64_t i = 0;
    std::uint64_t batch[8];
    auto& mine = progress[p].count;
    while (i < per_producer && !stop.load(std::memory_order_relaxed)) {
      std::uint64_t done = 0;
      if (cfg.batches && (i & 1)) {
        const std::uint64_t k = std::min<std::uint64_t>(1 + (i % 7), per_producer - i);
        for (std::uint64_t j = 0; j < k; ++j) batch[j] = first + i + j;
        done = stack.push_many(batch, k);
      } else {
        done = stack.push(first + i) ? 1 : 0;
      }
      note_pushed(done);
      if (done == 0) {
        std::this_thread::yield();  // full: let a consumer run
        continue;
      }
      i += done;
      mine.store(i, std::memory_order_relaxed);
    }
    accepted[p] = i;
    producers_left.fetch_sub(1, std::memory_order_release);
  };

  const auto consumer = [&](unsigned c) {
    auto& out = taken[c];
    out.reserve(static_cast<std::size_t>(total / cfg.consumers + cfg.capacity));
    std::vector<std::uint64_t> buf(std::max<std::size_t>(cfg.capacity, 8));
    auto& mine = progress[cfg.producers + c].count;
    std::uint64_t round = 0;
    for (;;) {
      // Read before trying: if every producer had finished before an empty pop, the
      // stack was empty after their last push, so nothing is left for this consumer.
      const bool finished = producers_left.load(std::memory_order_acquire) == 0;
      std::size_t got = 0;
      ++round;
      if (cfg.batches && round % 64 == 0) {
        before_pop(cfg.capacity);
        got = stack.drain(buf.data());
        after_pop(cfg.capacity, got);
      } else if (cfg.batches && (round & 1)) {
        before_pop(1 + round % 5);
        got = stack.pop_many(buf.data(), 1 + round % 5);
        after_pop(1 + round % 5, got);
      } else {
        before_pop(1);
        got = stack.pop(buf[0]) ? 1 : 0;
        after_pop(1, got);
      }
      if (got == 0) {
        if (finished || stop.load(std::memory_order_relaxed)) return;
        std::this_thread::yield();
        continue;
      }
      out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(got));
      mine.store(out.size(), std::memory_order_relaxed);
      if (out.size() > total) {  // more than was ever pushed: the stack has a cycle
        overflowed.store(true, std::memory_order_relaxed);
        stop.store(true, std::memory_order_relaxed);
        return;
      }
    }
  };

  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned p = 0; p < cfg.producers; ++p) pool.emplace_back(producer, p);
  for (unsigned c = 0; c < cfg.consumers; ++c) pool.emplace_back(consumer, c);

  // Watchdog: the harness may read a clock; the stack never does.
  bool stalled = false;
  {
    using Clock = std::chrono::steady_clock;
    std::uint64_t last_sum = ~std::uint64_t{0};
    auto last_change = Clock::now();
    for (;;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      std::uint64_t sum = 0;
      for (auto& pr : progress) sum += pr.count.load(std::memory_order_relaxed);
      const bool producers_done = producers_left.load(std::memory_order_acquire) == 0;
      if (stop.load(std::memory_order_relaxed)) break;
      if (sum != last_sum) {
        last_sum = sum;
        last_change = Clock::now();
      } else if (Clock::now() - last_change > cfg.stall_limit) {
        stalled = true;
        stop.store(true, std::memory_order_relaxed);
        break;
      }
      // After the producers, consumers only empty the stack: they end on their own, or
      // at the overflow bound if it has a cycle.
      if (producers_done) break;
    }
  }
  for (auto& t : pool) t.join();

  Report r;
  r.stalled = stalled;
  r.most_inside = most_inside.load();
  r.overflowed = overflowed.load();
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(total) + 1, 0);
  const auto count = [&](std::uint64_t id) {
    ++r.taken;
    if (id == 0 || id > total) {
      ++r.foreign;
      return;
    }
    if (seen[id] == 255) return;
    if (seen[id]++ > 0) ++r.duplicated;
  };
  for (const auto& out : taken) {
    for (std::uint64_t id : out) count(id);
  }
  for (std::uint64_t id : stack.drain()) count(id);
  for (unsigned p = 0; p < cfg.producers; ++p) {
    r.pushed += accepted[p];
    const std::uint64_t first = p * per_producer + 1;
    for (std::uint64_t i = 0; i < accepted[p]; ++i) {
      if (seen[first + i] == 0) ++r.lost;
    }
  }
  // The node pool: a correct stack is empty now, takes exactly capacity() ids and gives
  // them all back.
  std::size_t fit = 0;
  while (fit <= cfg.capacity && stack.push(1'000'000'000'000ull + fit)) ++fit;
  r.pool_intact = stack.size() == fit && fit == cfg.capacity && stack.drain().size() == fit;
  return r;
}

}  // namespace outpace::stress
