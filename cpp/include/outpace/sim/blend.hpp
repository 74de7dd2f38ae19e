// A blended centre in the shape of the ContactCenters `Blend` example (Deslauriers et al.
// 2007, Bell Canada): inbound-only and blend agent groups staffed per period, an inbound
// queue with balking and exponential patience, a day busyness factor on the inbound rates,
// and a dialer whose reached calls only blend agents may take; a reached call that finds
// no free blend agent waits at most `mismatch_wait` s, then is a mismatch. The dialer's
// policy is pluggable. Times in seconds after the centre opens, rates per hour.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "outpace/sim/scenario.hpp"

namespace outpace::sim {

struct BlendScenario {
  double period_length = 7200.0;                          // s per staffing period
  std::vector<double> inbound_per_hour{136.9, 145.86, 143.84};  // per period, before busyness
  std::vector<std::int32_t> inbound_agents{23, 23, 21};   // inbound-only agents per period
  std::vector<std::int32_t> blend_agents{16, 18, 16};     // blend agents per period
  std::vector<double> reach{0.28, 0.29, 0.29};            // right-party connect per dial, per period
  // The day's inbound rates are multiplied by B ~ Gamma(shape, rate = shape) (mean 1);
  // an infinite shape means B = 1 every day.
  double busyness_shape = 29.7;
  double balk = 0.005;             // share of inbound callers who hang up at once if they must wait
  double patience = 500.0;         // mean s an inbound caller waits (exponential)
  // Gamma with shape 0.755 and scale 753.8 s, given as mean and sd.
  Distribution inbound_service = Distribution::gamma(0.755 * 753.8, std::sqrt(0.755) * 753.8);  // s
  Distribution outbound_service = Distribution::exponential(440.2);          // s
  double mismatch_wait = 5.0;      // s a reached call waits for a blend agent
  double dialer_start = 3 * 3600.0;        // s after opening (11:00 for an 08:00 opening)
  double dialer_end = 6 * 3600.0 - 300.0;  // s after opening (5 min before close)
  double service_level_time = 20.0;        // s: an inbound call waiting this long misses the target
  std::int32_t queue_capacity = 80;        // calls waiting, both queues together
  std::int32_t days = 1;
  std::uint64_t seed = 1;

  std::size_t periods() const { return inbound_per_hour.size(); }
  double close() const { return period_length * static_cast<double>(periods()); }
  // Throws std::invalid_argument naming the field and the allowed range.
  void validate() const;
};

// What a dialing decision sees (decisions come at the dialer's start and whenever an
// agent of either group ends a service, as in the ContactCenters router).
struct BlendState {
  double now = 0.0;  // s after opening
  std::int32_t period = 0;
  std::int32_t free_inbound = 0, free_blend = 0;   // agents idle and on shift
  std::int32_t busy_inbound = 0, busy_blend = 0;   // agents in a call (leavers included)
  std::int32_t staffed_inbound = 0, staffed_blend = 0;
  std::int32_t inbound_waiting = 0, outbound_waiting = 0;
};

// Who decides how many numbers to dial.
struct BlendPolicy {
  enum class Kind : std::uint8_t {
    Threshold = 0,  // ContactCenters' threshold rule
    Progressive,    // the kernel's progressive rule on blend agents, less those reserved for inbound
    Custom,         // `custom(state)`
  };
  Kind kind = Kind::Threshold;
  // Threshold: when at least `min_free_all` agents are free in both groups and at least
  // `min_free_blend` blend agents, dial round(multiplier x free blend) + extra.
  std::int32_t min_free_all = 4;
  std::int32_t min_free_blend = 1;
  double multiplier = 2.0;
  std::int32_t extra = 0;
  // Progressive: progressive_calls(lines_per_agent, free blend - reserved, waiting, 0).
  double lines_per_agent = 1.0;
  std::int32_t reserved = 0;
  std::function<std::int64_t(const BlendState&)> custom;

  void validate() const;
  std::string name() const;
  std::int64_t calls(const BlendState& s) const;  // never negative
};

struct BlendDay {
  double busyness = 1.0;
  std::int64_t tried = 0, reached = 0, mismatches = 0, outbound_served = 0;
  std::int64_t inbound_arrivals = 0, inbound_served = 0, inbound_abandoned = 0;
  std::int64_t inbound_late = 0;   // inbound calls answered or abandoned after >= service_level_time
  // Agent-seconds from opening to close; staffed counts leavers finishing their call.
  double busy_inbound = 0.0, busy_blend = 0.0, staffed_inbound = 0.0, staffed_blend = 0.0;
  double first_dial = -1.0, last_dial = -1.0;  // s after opening; -1 if no dial
  double outbound_max_wait = 0.0;   // longest wait of a reached call before an agent took it
  std::int64_t events = 0;
};

struct BlendResult {
  std::vector<BlendDay> days;
};

// Runs scenario.days independent days; day d draws from streams seeded by (seed, d), so a
// day's result does not depend on how many days run.
BlendResult simulate_blend(const BlendScenario& scenario, const BlendPolicy& policy);

}  // namespace outpace::sim
