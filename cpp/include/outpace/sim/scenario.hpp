// A campaign to simulate: agents and their shifts, what each dial leads to and how long
// it takes, talk and wrap-up times, the abandon timer, inbound arrivals, a hit ratio that
// drifts through the day. Times in seconds, probabilities in [0, 1].
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "outpace/settings.hpp"
#include "outpace/sim/random.hpp"

namespace outpace::sim {

struct Distribution {
  enum class Kind : std::uint8_t { Fixed = 0, Exponential, Lognormal, Gamma, Empirical };
  Kind kind = Kind::Fixed;
  double mean = 0.0;
  double sd = 0.0;                 // lognormal and gamma
  std::vector<double> sample;      // empirical: drawn uniformly from these values

  static Distribution fixed(double v) { return {Kind::Fixed, v, 0.0, {}}; }
  static Distribution exponential(double m) { return {Kind::Exponential, m, m, {}}; }
  static Distribution lognormal(double m, double s) { return {Kind::Lognormal, m, s, {}}; }
  static Distribution gamma(double m, double s) { return {Kind::Gamma, m, s, {}}; }
  void validate(const std::string& field) const;
};

// A draw from a distribution; construct once per distribution (it caches parameters).
// With std::mt19937_64 the standard library's distributions draw (the Blend simulator);
// with Xoshiro256ss its own normal and exponential do (the campaign simulator).
class Sampler {
 public:
  explicit Sampler(const Distribution& d);
  double operator()(std::mt19937_64& rng);
  double operator()(Xoshiro256ss& rng);

 private:
  Distribution d_;
  double mu_ = 0.0, sigma_ = 0.0;  // lognormal: of the log
  std::lognormal_distribution<double> lognormal_;
  std::gamma_distribution<double> gamma_;
  std::exponential_distribution<double> exponential_;
};

struct Shift {
  double start = 0.0;  // s after the day starts
  double end = 0.0;    // s after the day starts
  std::vector<std::pair<double, double>> breaks;  // (start, end) within the shift
};

struct Scenario {
  std::int32_t agents = 50;
  double day_length = 8 * 3600.0;
  std::int32_t days = 1;
  std::uint64_t seed = 1;
  // Dial outcomes: probabilities (summing to 1) and time from dial to the outcome.
  double p_live = 0.30, p_machine = 0.15, p_busy = 0.10, p_no_answer = 0.45, p_invalid = 0.0;
  Distribution live_time = Distribution::lognormal(12.0, 6.0);
  Distribution machine_time = Distribution::lognormal(12.0, 6.0);
  Distribution busy_time = Distribution::fixed(5.0);
  Distribution no_answer_time = Distribution::fixed(25.0);
  Distribution invalid_time = Distribution::fixed(2.0);
  Distribution talk = Distribution::lognormal(150.0, 120.0);
  Distribution wrap = Distribution::lognormal(30.0, 15.0);
  double tau = 2.0;
  double amd_false_positive = 0.0;  // share of live answers the AMD takes for machines
  // The live-answer probability drifts: p_live x multiplier, linear between (fraction of
  // the day, multiplier) points; empty means no drift.
  std::vector<std::pair<double, double>> live_drift;
  double inbound_per_hour = 0.0;    // blended inbound arrivals, each takes an agent
  Distribution inbound_talk = Distribution::exponential(180.0);
  std::vector<Shift> shifts;        // per agent; empty: every agent works the whole day
  double tick = 1.0;                // s between pacing decisions
  double series_interval = 900.0;   // s per point of the time series

  // Throws std::invalid_argument naming the field and the allowed range.
  void validate() const;
  double live_probability(double day_fraction) const;
};

// Who decides how many calls to place: a dialing mode of the kernel, or a baseline.
struct Policy {
  enum class Kind : std::uint8_t {
    Group = 0,           // the kernel's pacer, with `settings`
    FixedRatio,          // round(ratio x agents) lines, less the calls in progress
    AdaptiveDialLevel,   // VICIdial's documented adaptive controller
    Threshold,           // dial multiplier x free agents when at least `threshold` are free
    PoissonAnswers,      // live answers arrive as a Poisson process (queueing validation)
  };
  Kind kind = Kind::Group;
  GroupSettings settings;
  double ratio = 2.0;           // FixedRatio
  double intensity = 0.0;       // AdaptiveDialLevel: adaptive_intensity / 100, in [-0.4, 0.4]
  double max_level = 3.0;       // AdaptiveDialLevel cap
  double drop_limit = 3.0;      // AdaptiveDialLevel: % of today's human answers
  double diff_target = 0.0;     // AdaptiveDialLevel: adaptive_dl_diff_target
  std::int32_t threshold = 4;   // Threshold: free agents needed
  double multiplier = 2.0;      // Threshold
  double answer_rate = 0.0;     // PoissonAnswers: live answers per second

  void validate() const;
  std::string name() const;
};

// The VICIdial adaptive step (pacing.md): DL (1 + pct_i / 100), pct = 100 (differential +
// target) / agents, scaled by intensity, capped and floored at 1.
double adaptive_dial_level_step(double level, double differential, double agents, double target,
                                double intensity, double max_level);

}  // namespace outpace::sim
