// What a campaign group learns from the host's events: hit ratio, answering-machine
// ratio, the time from dial to a live answer and to any other outcome, talk and wrap-up
// times, how often agents leave after wrap-up. The pacer reads these; configured averages
// seed them so the first minutes are sane.
#pragma once

#include <cstdint>

#include "outpace/duration_model.hpp"
#include "outpace/settings.hpp"

namespace outpace {

// An exponentially weighted proportion over the last ~`memory` trials, with a prior.
class RecentRatio {
 public:
  RecentRatio(double memory, double prior, double prior_weight)
      : keep_(1.0 - 1.0 / memory), hits_(prior * prior_weight), trials_(prior_weight) {}
  void observe(bool hit) {
    hits_ = hits_ * keep_ + (hit ? 1.0 : 0.0);
    trials_ = trials_ * keep_ + 1.0;
  }
  double value() const { return hits_ / trials_; }
  double trials() const { return trials_; }

 private:
  double keep_;
  double hits_;
  double trials_;
};

struct GroupStats {
  explicit GroupStats(const GroupSettings& s);

  // Re-seed what depends on settings (average outbound call duration).
  void apply(const GroupSettings& s);

  DurationModel live_answer_time;   // s from dial to a live answer
  DurationModel other_outcome_time; // s from dial to any other outcome (machine, busy, ...)
  DurationModel talk_time;          // s from bridge to call end
  DurationModel wrap_time;          // s from call end to ready again
  RecentRatio hit_ratio;            // live answers per resolved dial
  RecentRatio machine_ratio;        // answering machines per resolved dial
  RecentRatio leave_after_wrap;     // wrap-ups that end in not-ready instead of ready
  double ignore_longer_than = 0.0;  // s; talk longer than this is left out (0 = off)
  std::int64_t live_answers = 0;    // all time, for the warm-up (history_length)
  std::int64_t dials = 0;
};

}  // namespace outpace
