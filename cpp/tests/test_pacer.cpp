// The pacing rules without Python: Genesys' progressive example, the one-step dial
// counts of shared/validation/pacing.md, and a group's time order.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "outpace/group.hpp"
#include "outpace/pacer.hpp"

namespace {

TEST(Progressive, GenesysExample) {
  EXPECT_EQ(outpace::progressive_calls(0.7, 4, 0, 1), 1);
  EXPECT_EQ(outpace::progressive_calls(1.0, 2, 5, 0), 0);
}

TEST(OneStep, SamuelsonCases) {
  const double p = 1.0 - std::exp(-15.0 / 180.0);
  struct Case { int n, k, m; std::int64_t want; };
  for (const Case c : {Case{10, 1, 2, -1}, Case{10, 3, 2, 4}, Case{100, 5, 20, 9}}) {
    const std::vector<double> answer(static_cast<std::size_t>(c.m), 0.3);
    const std::vector<double> free(static_cast<std::size_t>(c.n - c.k), p);
    const auto r = outpace::largest_safe_calls(answer.data(), answer.size(), free.data(), free.size(), 0.3,
                                               c.k, 0.03, 100);
    EXPECT_EQ(r.calls, c.want) << c.n << " " << c.k << " " << c.m;
  }
}

TEST(Group, EventsOutOfOrderAreRefusedWithoutChangingState) {
  outpace::GroupSettings s;
  s.mode = outpace::DialingMode::Progressive;
  outpace::CampaignGroup g(s);
  g.set_endless_records(true);
  std::vector<outpace::Action> out;
  g.agent_ready(1, 10.0, out);
  EXPECT_THROW(g.tick(5.0, out), std::invalid_argument);
  EXPECT_THROW(g.call_answered(99, 11.0, true, out), std::invalid_argument);
  g.tick(12.0, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, outpace::ActionKind::Dial);
}

TEST(Settings, OutOfRangeNamesTheField) {
  outpace::GroupSettings s;
  s.lines_per_agent = -1;
  try {
    s.validate();
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lines_per_agent"), std::string::npos);
  }
}

}  // namespace
