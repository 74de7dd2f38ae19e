// The pool behind HotVector: every size (pooled, mapped, huge) holds its contents, honours
// alignment, frees from any thread, and marks its large mappings for huge pages.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "outpace/hot_memory.hpp"

using outpace::HotVector;

namespace {

struct alignas(64) Line {
  std::uint64_t words[8];
};

template <class T>
bool aligned(const T* p) {
  return reinterpret_cast<std::uintptr_t>(p) % alignof(T) == 0;
}

TEST(HotMemory, EverySizeHoldsItsContents) {
  // From the pool's bookkeeping sizes through pooled blocks to mappings of their own.
  std::vector<HotVector<std::uint64_t>> vs;
  for (std::size_t n : {1u, 7u, 100u, 2000u, 9000u, 40000u, 300000u, 1000000u}) {
    HotVector<std::uint64_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = n * 1000003u + i;
    vs.push_back(std::move(v));
  }
  for (const auto& v : vs) {
    const std::size_t n = v.size();
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(v[i], n * 1000003u + i);
  }
}

TEST(HotMemory, HonoursAlignment) {
  for (std::size_t n : {1u, 3u, 1000u, 5000u}) {
    HotVector<Line> v(n);
    EXPECT_TRUE(aligned(v.data())) << n;
  }
  HotVector<double> d(12345);
  EXPECT_TRUE(aligned(d.data()));
}

TEST(HotMemory, GrowsAndShrinksLikeAVector) {
  HotVector<double> v;
  for (int i = 0; i < 200000; ++i) v.push_back(i * 0.5);
  v.resize(10);
  v.shrink_to_fit();
  v.resize(50000, 2.0);
  EXPECT_EQ(v[9], 4.5);
  EXPECT_EQ(v[49999], 2.0);
  HotVector<double> copy = v;
  EXPECT_EQ(copy, v);
}

TEST(HotMemory, ThreadsAllocateAndFreeEachOthersBlocksWithoutOverlap) {
  // Each thread fills its blocks with a pattern of its own and checks a block is still
  // whole before it lets it go: a block given out twice would carry another's pattern.
  // Every other block goes to the next thread, which frees it (a free from another thread).
  constexpr int kThreads = 4, kRounds = 400;
  std::vector<std::vector<HotVector<std::uint32_t>>> handoff(kThreads);
  std::vector<std::mutex> locks(kThreads);
  std::atomic<int> bad{0};
  const auto whole = [&](const HotVector<std::uint32_t>& v) {
    for (const std::uint32_t w : v) {
      if (w != v.front()) return false;
    }
    return true;
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto me = static_cast<std::size_t>(t), next = static_cast<std::size_t>((t + 1) % kThreads);
      std::mt19937 rng(static_cast<std::uint32_t>(t));
      std::vector<HotVector<std::uint32_t>> mine;
      for (int r = 0; r < kRounds; ++r) {
        const std::size_t n = std::size_t{1} << (rng() % 17);  // 1 .. 64 Ki words
        mine.emplace_back(n, static_cast<std::uint32_t>(t * 100000 + r));
        if (mine.size() > 8) {
          if (!whole(mine.front())) ++bad;
          if (r % 2 == 1) {
            std::lock_guard<std::mutex> lock(locks[next]);
            handoff[next].push_back(std::move(mine.front()));
          }
          mine.erase(mine.begin());
        }
        std::lock_guard<std::mutex> lock(locks[me]);
        for (const auto& v : handoff[me]) {
          if (!whole(v)) ++bad;
        }
        handoff[me].clear();
      }
      for (const auto& v : mine) {
        if (!whole(v)) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

#if defined(__linux__)
// The VmFlags of the mapping that holds p (from /proc/self/smaps), or "" if none does.
std::string vm_flags_of(const void* p) {
  std::ifstream smaps("/proc/self/smaps");
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-') {
      inside = lo <= addr && addr < hi;
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      return line;
    }
  }
  return "";
}

TEST(HotMemory, LargeBlocksAreMarkedForHugePagesOnLinux) {
  HotVector<char> big(std::size_t{4} << 20, 1);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(big.data()) % (std::size_t{2} << 20), 0u);
  const std::string flags = vm_flags_of(big.data());
  ASSERT_FALSE(flags.empty());
  std::ifstream thp("/sys/kernel/mm/transparent_hugepage/enabled");
  if (!thp) GTEST_SKIP() << "this kernel has no transparent huge pages";
  EXPECT_NE(flags.find(" hg"), std::string::npos) << flags;  // MADV_HUGEPAGE took
}
#endif

}  // namespace
