// The per-thread node caches of the LIFO (see the header comment of outpace/lifo.hpp):
// threads that come and go while others push and pop, several stacks per thread (more
// than a thread has cache slots), stacks destroyed and rebuilt at the same address while
// the threads that used them live on, capacity exactly respected under concurrency, and
// caches of idle threads never making the stack refuse a push below capacity. Also run
// under ThreadSanitizer.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>
#include <vector>

#include "lifo_stress.hpp"
#include "lifo_test_access.hpp"

namespace {

using outpace::Lifo;
using outpace::LifoCaching;
using outpace::LifoTestAccess;
using outpace::stress::Config;
using outpace::stress::ids_per_case;
using Access = LifoTestAccess;

// Threads that stay alive between rounds: run(task) has every worker run task(index) once
// and returns when all are done; the workers then wait, alive, for the next round.
class Workers {
 public:
  explicit Workers(unsigned n) {
    for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this, i] { loop(i); });
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  ~Workers() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      quit_ = true;
      ++round_;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  // Runs task(i) on every worker i (or only on worker `only`).
  void run(const std::function<void(unsigned)>& task, int only = -1) {
    std::unique_lock<std::mutex> lock(mu_);
    task_ = task;
    only_ = only;
    pending_ = only < 0 ? static_cast<unsigned>(threads_.size()) : 1;
    ++round_;
    cv_.notify_all();
    done_cv_.wait(lock, [this] { return pending_ == 0; });
  }
  unsigned size() const { return static_cast<unsigned>(threads_.size()); }

 private:
  void loop(unsigned i) {
    std::uint64_t seen = 0;
    for (;;) {
      std::function<void(unsigned)> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return round_ != seen; });
        seen = round_;
        if (quit_) return;
        if (only_ >= 0 && static_cast<unsigned>(only_) != i) continue;
        task = task_;
      }
      task(i);
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (--pending_ == 0) done_cv_.notify_all();
      }
    }
  }

  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::function<void(unsigned)> task_;
  int only_ = -1;
  unsigned pending_ = 0;
  std::uint64_t round_ = 0;
  bool quit_ = false;
  std::vector<std::thread> threads_;
};

// Pushes up to capacity ids from this thread until refused; returns how many fit. Then
// pops them back and checks they come out in LIFO order.
template <class L>
std::size_t fill_and_empty(L& s, std::uint64_t base) {
  std::size_t fit = 0;
  while (fit <= s.capacity() + 1 && s.push(base + fit)) ++fit;
  for (std::size_t i = fit; i > 0; --i) {
    std::uint64_t v = 0;
    if (!s.pop(v) || v != base + i - 1) return static_cast<std::size_t>(-1);
  }
  std::uint64_t v = 0;
  if (s.pop(v)) return static_cast<std::size_t>(-1);
  return fit;
}

// Every worker pushes and pops `pairs` of its own ids in small bursts (each pops as many
// as it pushed, whoever's they are), so the stack ends empty; returns the ids popped per
// worker for the accounting.
void balanced_round(Workers& w, Lifo& s, std::uint64_t base, unsigned pairs,
                    std::vector<std::vector<std::uint64_t>>& popped) {
  popped.assign(w.size(), {});
  w.run([&](unsigned i) {
    std::uint64_t next = base + (static_cast<std::uint64_t>(i) << 32);
    unsigned done = 0;
    while (done < pairs) {
      const unsigned burst = 1 + (done + i) % 4;
      unsigned pushed = 0;
      for (unsigned k = 0; k < burst; ++k) {
        if (s.push(next)) {
          ++next;
          ++pushed;
        }
      }
      for (unsigned k = 0; k < pushed;) {
        std::uint64_t v = 0;
        if (s.pop(v)) {
          popped[i].push_back(v);
          ++k;
        } else {
          std::this_thread::yield();  // another worker holds ours; it pops them soon
        }
      }
      done += pushed == 0 ? 1 : pushed;
    }
  });
}

// Each id in [base + (i << 32), ...) pushed by worker i must come out exactly once.
void expect_each_once(const std::vector<std::vector<std::uint64_t>>& popped) {
  std::vector<std::uint64_t> all;
  for (const auto& p : popped) all.insert(all.end(), p.begin(), p.end());
  std::sort(all.begin(), all.end());
  EXPECT_TRUE(std::adjacent_find(all.begin(), all.end()) == all.end()) << "an id came out twice";
}

TEST(LifoCache, PoolTagAndValidation) {
  EXPECT_THROW(Lifo(4, LifoCaching{2, 1}), std::invalid_argument);
  EXPECT_THROW(Lifo(4, LifoCaching{2, outpace::kLifoMaxCacheNodes + 1}), std::invalid_argument);
  const Lifo off(4, LifoCaching{0, 0});
  EXPECT_EQ(Access::pool(off), 4u);
  EXPECT_EQ(Access::id(off), 0u);
  // Remembered head words need a tag of >= 48 bits: a pool of at most 65,535 nodes.
  const Lifo small(1024);
  EXPECT_EQ(Access::pool(small), 1024u + 8 * 16);
  EXPECT_TRUE(Access::uses_memo(small));
  const Lifo edge(65'535 - 128);
  EXPECT_TRUE(Access::uses_memo(edge));
  const Lifo big(65'536 - 128);
  EXPECT_FALSE(Access::uses_memo(big));
  // The narrow test builds remember words whatever their tag (so the ABA test covers it).
  const outpace::BasicLifo<1> tiny(2);
  EXPECT_TRUE(Access::uses_memo(tiny));
}

TEST(LifoCache, ThreadExitGivesNodesAndPermitBack) {
  Lifo s(10, LifoCaching{3, 8});
  const std::uint32_t pool = Access::pool(s);
  EXPECT_EQ(pool, 10u + 3 * 8);
  std::thread t([&] {
    for (std::uint64_t i = 0; i < 100; ++i) {
      ASSERT_TRUE(s.push(i));
      ASSERT_TRUE(s.push(i + 1000));
      std::uint64_t v = 0;
      ASSERT_TRUE(s.pop(v));
      ASSERT_TRUE(s.pop(v));
    }
    EXPECT_GT(Access::cached_here(s), 0);  // it does keep nodes
    EXPECT_EQ(Access::permits(s), 2u);
  });
  t.join();
  EXPECT_EQ(Access::permits(s), 3u);
  EXPECT_EQ(Access::free_count(s), pool);
}

// A thread_local destroyed after the exit hook (constructed before the thread's first
// cache) still uses the stack: it must get no cache, or its nodes would be lost for good.
struct UsesStackAtThreadExit {
  Lifo* stack = nullptr;
  ~UsesStackAtThreadExit() {
    if (stack == nullptr) return;
    std::uint64_t v = 0;
    if (stack->push(77) && stack->pop(v) && v == 77) stack = nullptr;  // nullptr: worked
  }
};
thread_local UsesStackAtThreadExit t_late_user;

TEST(LifoCache, StackUsedAfterTheExitHookGetsNoCache) {
  Lifo s(4, LifoCaching{2, 4});
  std::thread t([&] {
    t_late_user.stack = &s;  // constructed now, so destroyed after the hook armed below
    std::uint64_t v = 0;
    ASSERT_TRUE(s.push(1));
    ASSERT_TRUE(s.pop(v));
    EXPECT_GE(Access::cached_here(s), 1);
  });
  t.join();
  EXPECT_EQ(Access::permits(s), 2u);
  EXPECT_EQ(Access::free_count(s), Access::pool(s));
  EXPECT_EQ(s.size(), 0u);
}

TEST(LifoCache, IdleCachesNeverMakeItLookFull) {
  // More workers than permits in some configurations: cached and uncached threads mix.
  const LifoCaching cachings[] = {LifoCaching{}, LifoCaching{2, 4}, LifoCaching{3, 2}, LifoCaching{8, 32}};
  const std::size_t capacities[] = {1, 2, 5, 64};
  Workers w(5);
  std::uint64_t base = 1;
  for (const auto caching : cachings) {
    for (const std::size_t capacity : capacities) {
      Lifo s(capacity, caching);
      for (int round = 0; round < 3; ++round) {
        std::vector<std::vector<std::uint64_t>> popped;
        balanced_round(w, s, base, 3'000, popped);
        base += 1'000'000;
        expect_each_once(popped);
        // The workers are idle now, alive and holding their caches.
        std::vector<long> cached(w.size(), -1);
        w.run([&](unsigned i) { cached[i] = Access::cached_here(s); });
        long total_cached = std::max(0L, Access::cached_here(s));  // this thread's, from fill_and_empty
        unsigned holders = 0;
        for (long c : cached) {
          if (c >= 0) {
            total_cached += c;
            ++holders;
          }
        }
        const unsigned main_holds = Access::cached_here(s) >= 0 ? 1 : 0;
        EXPECT_EQ(holders, std::min(caching.threads, w.size()));
        EXPECT_EQ(Access::permits(s), caching.threads - holders - main_holds);
        EXPECT_EQ(Access::free_count(s) + static_cast<std::size_t>(total_cached), Access::pool(s));
        // Still exactly capacity ids fit, from a thread without a cache and from a worker.
        EXPECT_EQ(fill_and_empty(s, base), capacity) << "caching " << caching.threads << "x" << caching.nodes;
        std::size_t from_worker = 0;
        w.run([&](unsigned) { from_worker = fill_and_empty(s, base + 500'000); }, round % 5);
        EXPECT_EQ(from_worker, capacity);
      }
    }
  }
}

TEST(LifoCache, ThreadsComeAndGoWhileOthersPushAndPop) {
  const std::size_t capacity = 4;
  Lifo s(capacity, LifoCaching{4, 4});
  const int waves = outpace::stress::kUnderTsan ? 15 : 60;
  const std::uint64_t per_producer = 2'000;
  std::atomic<bool> producers_done{false};
  std::vector<std::vector<std::uint64_t>> taken(2);
  std::vector<std::thread> consumers;
  for (unsigned c = 0; c < 2; ++c) {
    consumers.emplace_back([&, c] {
      for (;;) {
        const bool finished = producers_done.load(std::memory_order_acquire);
        std::uint64_t v = 0;
        if (s.pop(v)) {
          taken[c].push_back(v);
        } else if (finished) {
          return;
        } else {
          std::this_thread::yield();
        }
      }
    });
  }
  std::mutex short_mu;
  std::vector<std::uint64_t> short_taken;
  std::uint64_t next_base = 1;
  for (int wave = 0; wave < waves; ++wave) {
    std::vector<std::thread> wave_threads;
    for (unsigned p = 0; p < 3; ++p) {
      const std::uint64_t first = next_base;
      next_base += per_producer;
      wave_threads.emplace_back([&s, first, per_producer] {
        for (std::uint64_t i = 0; i < per_producer;) {
          if (s.push(first + i)) {
            ++i;
          } else {
            std::this_thread::yield();
          }
        }
      });
    }
    // A short-lived consumer too: it exits with popped nodes in its cache.
    wave_threads.emplace_back([&] {
      std::vector<std::uint64_t> mine;
      for (int i = 0; i < 500; ++i) {
        std::uint64_t v = 0;
        if (s.pop(v)) mine.push_back(v);
      }
      std::lock_guard<std::mutex> lock(short_mu);
      short_taken.insert(short_taken.end(), mine.begin(), mine.end());
    });
    for (auto& t : wave_threads) t.join();
  }
  producers_done.store(true, std::memory_order_release);
  for (auto& t : consumers) t.join();

  std::vector<std::uint64_t> all = short_taken;
  for (const auto& v : taken) all.insert(all.end(), v.begin(), v.end());
  const auto rest = s.drain();
  all.insert(all.end(), rest.begin(), rest.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), next_base - 1);
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i + 1) << "lost or duplicated near " << i;
  // Every thread has exited: every cache and permit came back.
  EXPECT_EQ(Access::permits(s), 4u);
  EXPECT_EQ(Access::free_count(s), Access::pool(s));
  EXPECT_EQ(fill_and_empty(s, 1ull << 50), capacity);
}

TEST(LifoCache, SeveralStacksPerThreadMoreThanSlots) {
  constexpr std::size_t kStacks = outpace::kLifoCacheSlots + 4;
  std::vector<std::unique_ptr<Lifo>> stacks;
  for (std::size_t k = 0; k < kStacks; ++k) stacks.push_back(std::make_unique<Lifo>(2 + k % 3, LifoCaching{4, 4}));
  const std::uint64_t per_producer = ids_per_case(200'000);
  const unsigned producers = 3, consumers = 2;
  std::atomic<unsigned> producers_left{producers};
  std::vector<std::vector<std::uint64_t>> taken(consumers);
  std::vector<long> uncached_seen(producers, 0);
  std::vector<std::thread> threads;
  for (unsigned p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      // Id = (producer, sequence); the next stack on every attempt, so each stack sees
      // every thread; a full sweep of full stacks lets the consumers run.
      std::size_t k = p, failed = 0;
      for (std::uint64_t i = 0; i < per_producer; ++k) {
        const std::uint64_t id = (static_cast<std::uint64_t>(p + 1) << 40) | i;
        if (stacks[k % kStacks]->push(id)) {
          ++i;
          failed = 0;
        } else if (++failed >= kStacks) {
          std::this_thread::yield();
          failed = 0;
        }
      }
      long uncached = 0;
      for (const auto& s : stacks) uncached += Access::cached_here(*s) < 0;
      uncached_seen[p] = uncached;
      EXPECT_LE(Access::slots_in_use(), outpace::kLifoCacheSlots);
      producers_left.fetch_sub(1, std::memory_order_release);
    });
  }
  for (unsigned c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      std::size_t k = c;
      unsigned empty_in_a_row = 0;
      for (;;) {
        const bool finished = producers_left.load(std::memory_order_acquire) == 0;
        std::uint64_t v = 0;
        if (stacks[k % kStacks]->pop(v)) {
          taken[c].push_back(v);
          empty_in_a_row = 0;
        } else if (finished && ++empty_in_a_row > kStacks) {
          return;  // a full sweep of empty stacks after the producers ended
        }
        ++k;
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<std::uint64_t> all;
  for (const auto& v : taken) all.insert(all.end(), v.begin(), v.end());
  for (const auto& s : stacks) {
    const auto rest = s->drain();
    all.insert(all.end(), rest.begin(), rest.end());
  }
  ASSERT_EQ(all.size(), per_producer * producers);
  std::sort(all.begin(), all.end());
  EXPECT_TRUE(std::adjacent_find(all.begin(), all.end()) == all.end());
  for (unsigned p = 0; p < producers; ++p) EXPECT_GE(uncached_seen[p], 4) << "slots are bounded";
  for (const auto& s : stacks) {
    EXPECT_EQ(Access::permits(*s), 4u);
    EXPECT_EQ(Access::free_count(*s), Access::pool(*s));
    EXPECT_EQ(fill_and_empty(*s, 1ull << 50), s->capacity());
  }
}

TEST(LifoCache, StacksDestroyedAndRebuiltAtTheSameAddressWhileUsersLive) {
  alignas(Lifo) unsigned char storage[sizeof(Lifo)];
  const int rounds = outpace::stress::kUnderTsan ? 12 : 40;  // > kLifoCacheSlots: dead slots must be reused
  auto workers = std::make_unique<Workers>(4);
  Workers& w = *workers;
  std::uint64_t last_id = 0;
  std::uint64_t base = 1;
  for (int round = 0; round < rounds; ++round) {
    const std::size_t capacity = 2 + static_cast<std::size_t>(round % 4);
    Lifo* s = new (storage) Lifo(capacity, LifoCaching{4, 4});
    ASSERT_GT(Access::id(*s), last_id);  // same address, new identity
    last_id = Access::id(*s);
    std::vector<std::vector<std::uint64_t>> popped;
    balanced_round(w, *s, base, 4'000, popped);
    base += 1'000'000;
    expect_each_once(popped);
    // Every worker got a cache of the new stack (slots of dead stacks were reclaimed)...
    std::vector<long> cached(w.size(), -1);
    w.run([&](unsigned i) { cached[i] = Access::cached_here(*s); });
    for (unsigned i = 0; i < w.size(); ++i) EXPECT_GE(cached[i], 0) << "worker " << i << " round " << round;
    EXPECT_EQ(Access::permits(*s), 0u);
    // ...and none of them handed it a node of an earlier stack: exactly the pool is there.
    long total_cached = 0;
    for (long c : cached) total_cached += c > 0 ? c : 0;
    EXPECT_EQ(Access::free_count(*s) + static_cast<std::size_t>(total_cached), Access::pool(*s));
    EXPECT_EQ(fill_and_empty(*s, base), capacity);
    s->~Lifo();  // the workers live on, caching nodes of a stack that is gone
    std::memset(storage, 0xA5, sizeof storage);
  }
  // A canary built where the last stack was: the workers exit now and must not touch it
  // (their slots name destroyed stacks).
  Lifo* canary = new (storage) Lifo(3, LifoCaching{4, 4});
  const std::size_t free_before = Access::free_count(*canary);
  workers.reset();
  EXPECT_EQ(Access::free_count(*canary), free_before);
  EXPECT_EQ(Access::permits(*canary), 4u);
  EXPECT_EQ(fill_and_empty(*canary, 1), 3u);
  canary->~Lifo();
}

// Capacity under concurrency: a lower bound of the ids inside, kept by the harness,
// never exceeds capacity; and everything is accounted for.
void expect_bounded(Config cfg) {
  cfg.check_bound = true;
  const auto report = outpace::stress::run<outpace::kLifoTagBits>(cfg);
  EXPECT_TRUE(report.clean()) << report.describe();
  EXPECT_FALSE(report.over_capacity(cfg.capacity)) << report.describe();
  EXPECT_GE(report.most_inside, 1) << "the bound was never measured";
}

TEST(LifoCache, CapacityNeverExceededSingleOperations) {
  Config cfg{3, 3, 2, ids_per_case(600'000), false};
  expect_bounded(cfg);
  cfg.caching = LifoCaching{2, 2};  // refills and give-backs every other operation
  expect_bounded(cfg);
}

TEST(LifoCache, CapacityNeverExceededWithBatches) {
  Config cfg{5, 3, 2, ids_per_case(600'000), true};
  expect_bounded(cfg);
  cfg.caching = LifoCaching{1, 2};  // one cached thread, the others on the free stack
  expect_bounded(cfg);
}

TEST(LifoCache, TinyCachesUnderStress) {
  for (const auto caching : {LifoCaching{2, 2}, LifoCaching{1, 2}, LifoCaching{0, 0}, LifoCaching{8, 32}}) {
    for (const bool batches : {false, true}) {
      Config cfg{2, 2, 2, ids_per_case(400'000), batches};
      cfg.caching = caching;
      const auto report = outpace::stress::run<outpace::kLifoTagBits>(cfg);
      EXPECT_TRUE(report.clean()) << caching.threads << "x" << caching.nodes << " batches=" << batches << ": "
                                  << report.describe();
    }
  }
}

}  // namespace
