// The blended centre without Python: input checks name the field, the dialer keeps to
// its window, dialing no more than the free blend agents never mismatches, and a day's
// result depends only on (seed, day).
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "outpace/sim/blend.hpp"

namespace {

using outpace::sim::BlendPolicy;
using outpace::sim::BlendScenario;
using outpace::sim::simulate_blend;

std::string error_of(const BlendScenario& sc) {
  try {
    sc.validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(Blend, BadInputNamesTheField) {
  BlendScenario sc;
  sc.reach[1] = 1.5;
  EXPECT_NE(error_of(sc).find("reach[1]"), std::string::npos);
  sc = BlendScenario{};
  sc.blend_agents.pop_back();
  EXPECT_NE(error_of(sc).find("blend_agents"), std::string::npos);
  sc = BlendScenario{};
  sc.dialer_end = sc.dialer_start - 1.0;
  EXPECT_NE(error_of(sc).find("dialer_end"), std::string::npos);
  BlendPolicy p;
  p.kind = BlendPolicy::Kind::Custom;
  EXPECT_THROW(p.validate(), std::invalid_argument);
}

TEST(Blend, ThresholdRule) {
  BlendPolicy p;
  outpace::sim::BlendState s;
  s.free_inbound = 2;
  s.free_blend = 1;
  EXPECT_EQ(p.calls(s), 0);  // 3 free in all: under the threshold of 4
  s.free_inbound = 3;
  EXPECT_EQ(p.calls(s), 2);
  s.free_inbound = 10;
  s.free_blend = 0;
  EXPECT_EQ(p.calls(s), 0);  // no blend agent free
}

TEST(Blend, DialerWindowAndMismatches) {
  BlendScenario sc;
  sc.days = 50;
  sc.seed = 3;
  BlendPolicy one;
  one.multiplier = 1.0;
  const auto r = simulate_blend(sc, one);
  std::int64_t reached = 0;
  for (const auto& d : r.days) {
    EXPECT_EQ(d.mismatches, 0);
    EXPECT_EQ(d.reached, d.outbound_served);
    if (d.tried > 0) {
      EXPECT_GE(d.first_dial, sc.dialer_start);
      EXPECT_LT(d.last_dial, sc.dialer_end);
    }
    reached += d.reached;
  }
  EXPECT_GT(reached, 0);
}

TEST(Blend, DaysDependOnlyOnSeedAndDay) {
  BlendScenario sc;
  sc.days = 6;
  const auto a = simulate_blend(sc, BlendPolicy{});
  sc.days = 3;
  const auto b = simulate_blend(sc, BlendPolicy{});
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.days[i].tried, b.days[i].tried);
    EXPECT_EQ(a.days[i].inbound_late, b.days[i].inbound_late);
    EXPECT_DOUBLE_EQ(a.days[i].busy_blend, b.days[i].busy_blend);
  }
}

}  // namespace
