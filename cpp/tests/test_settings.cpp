// The run-time rules of a running group, checked on every pair of dialing modes against
// the product's rules written out independently here.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "outpace/group.hpp"
#include "outpace/settings.hpp"

namespace {

using outpace::DialingMode;

constexpr DialingMode kModes[] = {
    DialingMode::Predictive,      DialingMode::PredictiveSeizing, DialingMode::Progressive,
    DialingMode::ProgressiveSeizing, DialingMode::PushPreview,    DialingMode::PullPreview,
    DialingMode::PredictiveIvr,   DialingMode::ProgressiveIvr,    DialingMode::PowerIvr,
};

bool seizing(DialingMode m) { return m == DialingMode::PredictiveSeizing || m == DialingMode::ProgressiveSeizing; }
bool preview(DialingMode m) { return m == DialingMode::PushPreview || m == DialingMode::PullPreview; }
bool ivr(DialingMode m) {
  return m == DialingMode::PredictiveIvr || m == DialingMode::ProgressiveIvr || m == DialingMode::PowerIvr;
}
bool automatic(DialingMode m) { return !preview(m) && !ivr(m); }

outpace::GroupSettings in_mode(DialingMode m) {
  outpace::GroupSettings s;
  s.mode = m;
  s.ivr_ports = 4;
  s.calls_per_minute = 10.0;
  return s;
}

TEST(RunningChange, EveryPairOfModes) {
  for (DialingMode from : kModes) {
    for (DialingMode to : kModes) {
      const bool refused = seizing(from) != seizing(to) || (automatic(from) && preview(to)) ||
                           (automatic(from) && ivr(to)) || (ivr(from) && automatic(to));
      SCOPED_TRACE(std::string(outpace::to_string(from)) + " -> " + outpace::to_string(to));
      if (refused) {
        EXPECT_THROW(outpace::check_running_change(in_mode(from), in_mode(to)), std::invalid_argument);
      } else {
        EXPECT_NO_THROW(outpace::check_running_change(in_mode(from), in_mode(to)));
      }
    }
  }
}

TEST(RunningChange, GroupRefusesAndKeepsItsSettings) {
  outpace::CampaignGroup group(in_mode(DialingMode::Predictive));
  EXPECT_THROW(group.update_settings(in_mode(DialingMode::PullPreview)), std::invalid_argument);
  EXPECT_EQ(group.settings().mode, DialingMode::Predictive);
  group.update_settings(in_mode(DialingMode::Progressive));
  EXPECT_EQ(group.settings().mode, DialingMode::Progressive);
}

}  // namespace
