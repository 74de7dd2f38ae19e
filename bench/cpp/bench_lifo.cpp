// Push+pop pairs per second on the lock-free LIFO against a std::mutex + std::vector
// stack, in the same run: single operations and batches, on 1 and 2 threads. Each thread
// pushes then pops, so the stack stays nearly empty and every pair touches both heads.
//
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
//         -DOUTPACE_BUILD_BENCHMARKS=ON -DOUTPACE_BUILD_PYTHON=OFF   (one command)
//   cmake --build build/bench && build/bench/bench/cpp/bench_lifo --benchmark_repetitions=5
//
// items_per_second is push+pop pairs (batch benchmarks: ids pushed and popped) summed
// over threads. A benchmark fails (SkipWithError) if an id comes back wrong.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <numeric>
#include <vector>

#include "outpace/lifo.hpp"

namespace {

constexpr std::size_t kCapacity = 1024;
constexpr std::size_t kBatch = 32;

// The baseline a host would write first: a bounded stack under one mutex.
class MutexStack {
 public:
  explicit MutexStack(std::size_t capacity) : capacity_(capacity) { items_.reserve(capacity); }
  bool push(std::uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    if (items_.size() == capacity_) return false;
    items_.push_back(id);
    return true;
  }
  bool pop(std::uint64_t& id) {
    std::lock_guard<std::mutex> lock(mu_);
    if (items_.empty()) return false;
    id = items_.back();
    items_.pop_back();
    return true;
  }
  std::size_t push_many(const std::uint64_t* ids, std::size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::size_t k = std::min(n, capacity_ - items_.size());
    items_.insert(items_.end(), ids, ids + k);
    return k;
  }
  std::size_t pop_many(std::uint64_t* out, std::size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::size_t k = std::min(n, items_.size());
    for (std::size_t i = 0; i < k; ++i) out[i] = items_[items_.size() - 1 - i];
    items_.resize(items_.size() - k);
    return k;
  }

 private:
  std::mutex mu_;
  std::size_t capacity_;
  std::vector<std::uint64_t> items_;
};

// One shared stack per type for the threads of a benchmark (Google Benchmark runs the
// threads of one benchmark on the same function).
template <class Stack>
Stack& shared() {
  static Stack stack(kCapacity);
  return stack;
}

template <class Stack>
void PushPop(benchmark::State& state) {
  Stack& stack = shared<Stack>();
  // Ids are unique per thread, so a value popped that this thread never pushed is still
  // a valid id of another thread: check that it is one that was pushed at all.
  std::uint64_t id = static_cast<std::uint64_t>(state.thread_index()) << 40;
  const std::uint64_t limit = static_cast<std::uint64_t>(state.threads()) << 40;
  std::uint64_t bad = 0;
  for (auto _ : state) {
    while (!stack.push(id)) {
    }
    std::uint64_t got = 0;
    while (!stack.pop(got)) {
    }
    bad += got >= limit;
    ++id;
  }
  if (bad != 0) state.SkipWithError("popped an id that was never pushed");
  state.SetItemsProcessed(state.iterations());
}

template <class Stack>
void PushPopBatch(benchmark::State& state) {
  Stack& stack = shared<Stack>();
  std::vector<std::uint64_t> in(kBatch), out(kBatch);
  std::iota(in.begin(), in.end(), std::uint64_t{1});
  std::uint64_t bad = 0;
  for (auto _ : state) {
    std::size_t pushed = 0;
    while (pushed < kBatch) pushed += stack.push_many(in.data() + pushed, kBatch - pushed);
    std::size_t popped = 0;
    while (popped < kBatch) popped += stack.pop_many(out.data() + popped, kBatch - popped);
    if (state.threads() == 1) bad += out[0] != kBatch || out[kBatch - 1] != 1;  // LIFO order
    benchmark::DoNotOptimize(out.data());
  }
  if (bad != 0) state.SkipWithError("batch came back in the wrong order");
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBatch));
}

using outpace::Lifo;

BENCHMARK(PushPop<Lifo>)->Name("lifo/push_pop")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(PushPop<MutexStack>)->Name("mutex_vector/push_pop")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(PushPopBatch<Lifo>)->Name("lifo/push_pop_batch32")->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(PushPopBatch<MutexStack>)->Name("mutex_vector/push_pop_batch32")->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
