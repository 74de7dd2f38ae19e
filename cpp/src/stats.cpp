#include "outpace/stats.hpp"

namespace outpace {

namespace {
// Defaults when nothing is configured: typical outbound figures, weak priors.
constexpr double kDefaultTalk = 120.0;  // s
constexpr double kPriorWeight = 20.0;   // pseudo-observations
}  // namespace

GroupStats::GroupStats(const GroupSettings& s)
    : live_answer_time(0.5, 120.0, 2000, 10.0, 0.5, kPriorWeight),
      other_outcome_time(0.5, 120.0, 2000, 18.0, 0.6, kPriorWeight),
      talk_time(1.0, 3600.0, 3000, kDefaultTalk, 0.9, kPriorWeight),
      wrap_time(1.0, 900.0, 3000, 20.0, 0.6, kPriorWeight),
      hit_ratio(600.0, 0.25, kPriorWeight),
      machine_ratio(600.0, 0.1, kPriorWeight),
      leave_after_wrap(300.0, 0.02, kPriorWeight) {
  apply(s);
}

void GroupStats::apply(const GroupSettings& s) {
  if (s.average_outbound_call > 0.0) talk_time.set_prior(s.average_outbound_call, 0.9);
  ignore_longer_than = s.ignore_calls_longer_than;
}

}  // namespace outpace
