// CallTable against std::unordered_map: the same calls found, inserted and erased, with
// leaked calls, big gaps between ids, out-of-order inserts and erase/insert churn.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <unordered_map>
#include <vector>

#include "outpace/call_table.hpp"

namespace {

using outpace::CallTable;

struct Value {
  std::int64_t a = 0;
  double b = 0.0;
  bool operator==(const Value& o) const { return a == o.a && b == o.b; }
};

void expect_same(const CallTable<Value>& t, const std::unordered_map<std::int64_t, Value>& ref) {
  ASSERT_EQ(t.size(), ref.size());
  std::size_t seen = 0;
  t.for_each([&](std::int64_t id, const Value& v) {
    ++seen;
    const auto it = ref.find(id);
    ASSERT_NE(it, ref.end()) << id;
    EXPECT_EQ(it->second, v);
  });
  EXPECT_EQ(seen, ref.size());
  for (const auto& [id, v] : ref) {
    const Value* p = t.find(id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_EQ(*p, v);
  }
}

TEST(CallTable, InsertFindErase) {
  CallTable<Value> t;
  EXPECT_EQ(t.find(1), nullptr);
  EXPECT_FALSE(t.erase(1));
  EXPECT_TRUE(t.insert(1, {10, 1.5}));
  EXPECT_FALSE(t.insert(1, {11, 2.5}));  // already there: unchanged
  ASSERT_NE(t.find(1), nullptr);
  EXPECT_EQ(t.find(1)->a, 10);
  t.find(1)->a = 12;
  EXPECT_EQ(t.find(1)->a, 12);
  EXPECT_EQ(t.find(17), nullptr);  // same slot, another id
  EXPECT_TRUE(t.insert(17, {17, 0.0}));  // collides with 1: 1 goes to the overflow
  EXPECT_EQ(t.overflow_size(), 1u);
  EXPECT_EQ(t.find(1)->a, 12);
  EXPECT_EQ(t.find(17)->a, 17);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_TRUE(t.erase(1));
  EXPECT_TRUE(t.erase(17));
  EXPECT_FALSE(t.erase(17));
  EXPECT_TRUE(t.empty());
  EXPECT_EQ(t.find(std::numeric_limits<std::int64_t>::min()), nullptr);  // the empty marker is no id
}

TEST(CallTable, OlderInsertGoesToOverflow) {
  CallTable<Value> t;
  ASSERT_TRUE(t.insert(33, {33, 0.0}));
  ASSERT_TRUE(t.insert(1, {1, 0.0}));  // same slot, older: it is the one that moves
  EXPECT_EQ(t.overflow_size(), 1u);
  EXPECT_EQ(t.find(1)->a, 1);
  EXPECT_EQ(t.find(33)->a, 33);
}

TEST(CallTable, LeakedCallsDoNotGrowTheArray) {
  // Steady churn of short calls, and every 10th call leaked: the array stays at the size
  // the short calls need and the leaked ones sit in the overflow.
  CallTable<Value> t;
  std::vector<std::int64_t> live;
  std::int64_t leaked = 0;
  for (std::int64_t id = 1; id <= 200000; ++id) {
    ASSERT_TRUE(t.insert(id, {id, 0.0}));
    if (id % 10 == 0) {
      ++leaked;
    } else {
      live.push_back(id);
    }
    if (live.size() > 20) {  // the oldest short call ends
      ASSERT_TRUE(t.erase(live.front()));
      live.erase(live.begin());
    }
  }
  EXPECT_LE(t.capacity(), 64u);
  EXPECT_EQ(t.size(), live.size() + static_cast<std::size_t>(leaked));
}

TEST(CallTable, LongCallsGrowTheArray) {
  // Calls that end 300 ids later: ending from the overflow makes the array grow to span them.
  CallTable<Value> t;
  for (std::int64_t id = 1; id <= 20000; ++id) {
    ASSERT_TRUE(t.insert(id, {id, 0.0}));
    if (id > 300) {
      ASSERT_TRUE(t.erase(id - 300));
    }
  }
  EXPECT_GE(t.capacity(), 512u);
  EXPECT_LE(t.capacity(), 1024u);
  EXPECT_EQ(t.overflow_size(), 0u);
  EXPECT_EQ(t.size(), 300u);
}

// One randomized run: ids mostly dense and increasing with some big jumps, some inserted
// late (out of order, like a preview call's id), random erases of live calls, erases and
// finds of ids not there, and some calls never erased.
void random_run(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  CallTable<Value> t;
  std::unordered_map<std::int64_t, Value> ref;
  std::vector<std::int64_t> live, late;
  std::int64_t next = 1 + static_cast<std::int64_t>(rng() % 1000);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double leak = u(rng) * 0.3, gap = u(rng) * 0.01, churn = 0.3 + u(rng) * 0.5;
  for (int step = 0; step < 60000; ++step) {
    const double r = u(rng);
    if (r < 0.45) {
      if (u(rng) < gap) next += static_cast<std::int64_t>(rng() % 100000);  // a big jump
      const std::int64_t id = next++;
      if (u(rng) < 0.05) {
        late.push_back(id);  // handed out now, inserted later
        continue;
      }
      const Value v{static_cast<std::int64_t>(rng()), u(rng)};
      ASSERT_EQ(t.insert(id, v), ref.emplace(id, v).second);
      if (u(rng) >= leak) live.push_back(id);
    } else if (r < 0.5 && !late.empty()) {
      const std::size_t i = rng() % late.size();
      const std::int64_t id = late[i];
      late[i] = late.back();
      late.pop_back();
      const Value v{id, 1.0};
      ASSERT_EQ(t.insert(id, v), ref.emplace(id, v).second);
      live.push_back(id);
    } else if (r < 0.5 + 0.5 * churn && !live.empty()) {
      // Mostly the older calls end first, as in a dialer; sometimes any.
      const std::size_t i = u(rng) < 0.7 ? rng() % std::min<std::size_t>(live.size(), 8) : rng() % live.size();
      const std::int64_t id = live[i];
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
      ASSERT_EQ(t.erase(id), ref.erase(id) == 1) << id;
    } else if (r < 0.9) {
      // An id that may or may not be there (finished, never used, negative).
      const std::int64_t id = next - static_cast<std::int64_t>(rng() % 5000) + 10;
      const Value* p = t.find(id);
      const auto it = ref.find(id);
      ASSERT_EQ(p != nullptr, it != ref.end()) << id;
      if (p != nullptr) {
        ASSERT_EQ(*p, it->second);
        t.find(id)->b += 1.0;  // writes through find are kept
        it->second.b += 1.0;
      }
      if (u(rng) < 0.1) {
        ASSERT_EQ(t.erase(id), ref.erase(id) == 1) << id;
      }
      live.erase(std::remove(live.begin(), live.end(), id), live.end());
    } else {
      // Re-insert of a live id is refused by both.
      if (!live.empty()) {
        const std::int64_t id = live[rng() % live.size()];
        ASSERT_FALSE(t.insert(id, {0, 0.0}));
      }
    }
    if (step % 5000 == 0) expect_same(t, ref);
  }
  expect_same(t, ref);
  // Leaked calls stay findable however far the ids went; the array stays bounded.
  EXPECT_LE(t.capacity(), 1u << 16);
}

TEST(CallTable, RandomizedAgainstUnorderedMap) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE(seed);
    random_run(seed);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
