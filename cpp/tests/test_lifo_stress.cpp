// Many producers and consumers on tiny stacks (2 to 16 nodes, so every node is reused
// hundreds of thousands of times): every id must come out exactly once. Also run under
// ThreadSanitizer (-DOUTPACE_TSAN=ON), which checks the memory orders as well. The
// adversarial cases make poppers yield inside the read-to-CAS window: the schedule under
// which a 1-bit tag is caught corrupting the stack at once (test_lifo_aba.cpp).
#include <gtest/gtest.h>

#include "lifo_stress.hpp"

namespace {

using outpace::kLifoTagBits;
using outpace::stress::Config;
using outpace::stress::ids_per_case;
using outpace::stress::run;
using outpace::stress::YieldingWindow;

template <class Window = outpace::NoRaceWindow>
void expect_clean(const Config& cfg) {
  const auto report = run<kLifoTagBits, Window>(cfg);
  EXPECT_TRUE(report.clean()) << report.describe();
  EXPECT_EQ(report.pushed, cfg.total_ids / cfg.producers * cfg.producers);
}

TEST(LifoStress, TwoProducersTwoConsumersCapacity2) {
  expect_clean({2, 2, 2, ids_per_case(1'500'000), false});
}

TEST(LifoStress, ThreeProducersOneConsumerCapacity3) {
  expect_clean({3, 3, 1, ids_per_case(1'500'000), false});
}

TEST(LifoStress, OneProducerThreeConsumersCapacity2) {
  expect_clean({2, 1, 3, ids_per_case(1'500'000), false});
}

TEST(LifoStress, BatchesAndDrainCapacity16) {
  expect_clean({16, 2, 2, ids_per_case(2'000'000), true});
}

TEST(LifoStress, BatchesAndDrainCapacity4EightThreads) {
  expect_clean({4, 4, 4, ids_per_case(1'500'000), true});
}

TEST(LifoStress, AdversarialScheduleCapacity2) {
  expect_clean<YieldingWindow<4>>({2, 2, 2, ids_per_case(400'000), false});
}

TEST(LifoStress, AdversarialScheduleBatchesCapacity2) {
  expect_clean<YieldingWindow<4>>({2, 2, 2, ids_per_case(600'000), true});
}

}  // namespace
