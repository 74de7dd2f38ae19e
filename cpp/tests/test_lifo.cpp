// The LIFO's single-threaded contract: order, bounds, batches, drain, size and reuse.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "outpace/lifo.hpp"

namespace {

using outpace::Lifo;

TEST(Lifo, RejectsBadCapacity) {
  EXPECT_THROW(Lifo(0), std::invalid_argument);
  EXPECT_THROW(Lifo(Lifo::kMaxCapacity + 1), std::invalid_argument);
  try {
    Lifo bad(0);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("capacity"), std::string::npos);
  }
}

TEST(Lifo, LastInFirstOut) {
  Lifo s(8);
  EXPECT_EQ(s.capacity(), 8u);
  std::uint64_t v = 0;
  EXPECT_FALSE(s.pop(v));
  for (std::uint64_t i = 1; i <= 5; ++i) EXPECT_TRUE(s.push(i * 10));
  EXPECT_EQ(s.size(), 5u);
  for (std::uint64_t i = 5; i >= 1; --i) {
    ASSERT_TRUE(s.pop(v));
    EXPECT_EQ(v, i * 10);
  }
  EXPECT_FALSE(s.pop(v));
  EXPECT_EQ(s.size(), 0u);
}

TEST(Lifo, FullRefusesAndNeverOverwrites) {
  Lifo s(3);
  EXPECT_TRUE(s.push(1));
  EXPECT_TRUE(s.push(2));
  EXPECT_TRUE(s.push(3));
  EXPECT_FALSE(s.push(4));
  EXPECT_EQ(s.size(), 3u);
  std::uint64_t v = 0;
  ASSERT_TRUE(s.pop(v));
  EXPECT_EQ(v, 3u);
  EXPECT_TRUE(s.push(5));
  EXPECT_EQ(s.drain(), (std::vector<std::uint64_t>{5, 2, 1}));
}

TEST(Lifo, ExtremeIdValues) {
  Lifo s(2);
  EXPECT_TRUE(s.push(0));
  EXPECT_TRUE(s.push(UINT64_MAX));
  std::uint64_t v = 1;
  ASSERT_TRUE(s.pop(v));
  EXPECT_EQ(v, UINT64_MAX);
  ASSERT_TRUE(s.pop(v));
  EXPECT_EQ(v, 0u);
}

TEST(Lifo, PushManyIsRepeatedPushAndStopsWhenFull) {
  Lifo s(100);
  std::vector<std::uint64_t> ids(130);
  std::iota(ids.begin(), ids.end(), 1000);
  EXPECT_EQ(s.push_many(ids.data(), 70), 70u);  // spans several chunks
  EXPECT_EQ(s.size(), 70u);
  EXPECT_EQ(s.push_many(ids.data() + 70, 60), 30u);  // a prefix fits
  EXPECT_EQ(s.size(), 100u);
  EXPECT_EQ(s.push_many(ids.data(), 5), 0u);
  std::vector<std::uint64_t> out(130, 0);
  EXPECT_EQ(s.pop_many(out.data(), 130), 100u);
  for (std::size_t i = 0; i < 100; ++i) EXPECT_EQ(out[i], ids[99 - i]) << i;
  EXPECT_EQ(s.pop_many(out.data(), 5), 0u);
  EXPECT_EQ(s.push_many(ids.data(), 0), 0u);
}

TEST(Lifo, PopManyInterleavesWithSinglePops) {
  Lifo s(50);
  for (std::uint64_t i = 0; i < 40; ++i) ASSERT_TRUE(s.push(i));
  std::vector<std::uint64_t> out(10);
  ASSERT_EQ(s.pop_many(out.data(), 3), 3u);
  EXPECT_EQ(out[0], 39u);
  EXPECT_EQ(out[2], 37u);
  std::uint64_t v = 0;
  ASSERT_TRUE(s.pop(v));
  EXPECT_EQ(v, 36u);
  EXPECT_EQ(s.size(), 36u);
  ASSERT_TRUE(s.push(99));
  EXPECT_EQ(s.size(), 37u);
  const auto rest = s.drain();
  ASSERT_EQ(rest.size(), 37u);
  EXPECT_EQ(rest.front(), 99u);
  EXPECT_EQ(rest[1], 35u);
  EXPECT_EQ(rest.back(), 0u);
}

TEST(Lifo, DrainEmptiesAndReturnsEveryNode) {
  Lifo s(16);
  EXPECT_TRUE(s.drain().empty());
  for (int round = 0; round < 5; ++round) {
    for (std::uint64_t i = 0; i < 16; ++i) ASSERT_TRUE(s.push(i + 100 * static_cast<std::uint64_t>(round)));
    EXPECT_FALSE(s.push(7));
    const auto all = s.drain();
    ASSERT_EQ(all.size(), 16u);
    EXPECT_EQ(all.front(), 15u + 100 * static_cast<std::uint64_t>(round));
    EXPECT_EQ(s.size(), 0u);
  }
}

TEST(Lifo, NodesAreReusedWithoutLoss) {
  // Many more operations than nodes, mixing every entry point: the free stack must give
  // back exactly capacity nodes at the end.
  Lifo s(5);
  std::uint64_t next_id = 0, popped = 0;
  std::vector<std::uint64_t> buf(5);
  for (int i = 0; i < 20000; ++i) {
    switch (i % 4) {
      case 0:
        if (s.push(next_id)) ++next_id;
        break;
      case 1: {
        std::uint64_t v = 0;
        if (s.pop(v)) ++popped;
        break;
      }
      case 2: {
        const std::uint64_t ids[3] = {next_id, next_id + 1, next_id + 2};
        next_id += s.push_many(ids, 3);
        break;
      }
      default:
        popped += (i % 8 == 3) ? s.pop_many(buf.data(), 2) : s.drain(buf.data());
    }
  }
  popped += s.drain().size();
  EXPECT_EQ(popped, next_id);
  for (std::uint64_t i = 0; i < 5; ++i) EXPECT_TRUE(s.push(i));
  EXPECT_FALSE(s.push(5));
}

TEST(Lifo, TinyTagIsCorrectWithoutConcurrency) {
  // The tag only matters when a thread is overtaken between load and CAS; alone, even a
  // 1-bit tag that wraps on every second operation keeps the stack right.
  outpace::BasicLifo<1> s(3);
  for (std::uint64_t i = 0; i < 1000; ++i) {
    ASSERT_TRUE(s.push(i));
    ASSERT_TRUE(s.push(i + 1));
    std::uint64_t a = 0, b = 0;
    ASSERT_TRUE(s.pop(a));
    ASSERT_TRUE(s.pop(b));
    EXPECT_EQ(a, i + 1);
    EXPECT_EQ(b, i);
  }
  EXPECT_EQ(s.size(), 0u);
}

}  // namespace
