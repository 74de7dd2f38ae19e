// The discrete-event campaign simulator: drives a CampaignGroup through the same event
// contract a host dialer uses, deterministic per seed.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "outpace/sim/scenario.hpp"

namespace outpace::sim {

struct DayResult {
  std::int64_t dials = 0, live_answers = 0, abandoned = 0, connects = 0, machines = 0;
  double talk = 0.0, wrap = 0.0;   // agent-seconds of work begun that day
  double staffed = 0.0;            // agent-seconds on shift
  double busy_factor() const { return staffed > 0 ? (talk + wrap) / staffed : 0.0; }
  double abandon_rate() const {
    return live_answers > 0 ? static_cast<double>(abandoned) / static_cast<double>(live_answers) : 0.0;
  }
};

struct SeriesPoint {
  double time = 0.0;  // s since the start of the run, end of the interval
  std::int64_t dials = 0, live_answers = 0, abandoned = 0, connects = 0;
  double work = 0.0, staffed = 0.0;
};

struct SimResult {
  std::vector<DayResult> days;
  std::vector<SeriesPoint> series;
  std::int64_t events = 0;  // dials, outcomes, connects, talk ends, wrap-up ends
  DayResult total() const;
  double worst_day_abandon() const;
  double worst_window_abandon(int window_days) const;  // over every run of window_days days
};

// Runs the scenario with the policy. `progress` (if set) gets the fraction done, now and then.
SimResult simulate(const Scenario& scenario, const Policy& policy,
                   const std::function<void(double)>& progress = {});

}  // namespace outpace::sim
