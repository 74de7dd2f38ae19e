#include "outpace/sim/scenario.hpp"
#include "field_error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace outpace::sim {

namespace {
[[noreturn]] void bad(const std::string& field, const char* rule, double value) { detail::bad_field(field, rule, value); }
void probability(const char* field, double p) {
  if (!(p >= 0.0 && p <= 1.0)) bad(field, "a probability in [0, 1]", p);
}
}  // namespace

void Distribution::validate(const std::string& field) const {
  switch (kind) {
    case Kind::Fixed:
      if (!(std::isfinite(mean) && mean >= 0.0)) bad(field + ".mean", "a finite number of seconds >= 0", mean);
      return;
    case Kind::Exponential:
      if (!(std::isfinite(mean) && mean > 0.0)) bad(field + ".mean", "a finite number of seconds > 0", mean);
      return;
    case Kind::Lognormal:
    case Kind::Gamma:
      if (!(std::isfinite(mean) && mean > 0.0)) bad(field + ".mean", "a finite number of seconds > 0", mean);
      if (!(std::isfinite(sd) && sd > 0.0)) bad(field + ".sd", "a finite number of seconds > 0", sd);
      return;
    case Kind::Empirical:
      if (sample.empty()) throw std::invalid_argument(field + ".sample must hold at least one value");
      for (double v : sample) {
        if (!(std::isfinite(v) && v >= 0.0)) bad(field + ".sample", "finite numbers of seconds >= 0", v);
      }
      return;
  }
  throw std::invalid_argument(field + ".kind must be fixed, exponential, lognormal, gamma or empirical");
}

Sampler::Sampler(const Distribution& d) : d_(d) {
  if (d.kind == Distribution::Kind::Lognormal) {
    const double s2 = std::log1p((d.sd * d.sd) / (d.mean * d.mean));
    mu_ = std::log(d.mean) - 0.5 * s2;
    sigma_ = std::sqrt(s2);
    lognormal_ = std::lognormal_distribution<double>(mu_, sigma_);
  } else if (d.kind == Distribution::Kind::Gamma) {
    const double shape = (d.mean * d.mean) / (d.sd * d.sd);
    gamma_ = std::gamma_distribution<double>(shape, d.mean / shape);
  } else if (d.kind == Distribution::Kind::Exponential) {
    exponential_ = std::exponential_distribution<double>(1.0 / d.mean);
  }
}

double Sampler::operator()(std::mt19937_64& rng) {
  switch (d_.kind) {
    case Distribution::Kind::Fixed: return d_.mean;
    case Distribution::Kind::Exponential: return exponential_(rng);
    case Distribution::Kind::Lognormal: return lognormal_(rng);
    case Distribution::Kind::Gamma: return gamma_(rng);
    case Distribution::Kind::Empirical: {
      std::uniform_int_distribution<std::size_t> pick(0, d_.sample.size() - 1);
      return d_.sample[pick(rng)];
    }
  }
  return d_.mean;
}

double Sampler::operator()(Xoshiro256ss& rng) {
  switch (d_.kind) {
    case Distribution::Kind::Fixed: return d_.mean;
    case Distribution::Kind::Exponential: return d_.mean * rng.exponential();
    case Distribution::Kind::Lognormal: return std::exp(mu_ + sigma_ * rng.normal());
    case Distribution::Kind::Gamma: return gamma_(rng);
    case Distribution::Kind::Empirical: {
      std::uniform_int_distribution<std::size_t> pick(0, d_.sample.size() - 1);
      return d_.sample[pick(rng)];
    }
  }
  return d_.mean;
}

void Scenario::validate() const {
  if (agents < 1 || agents > 100000) bad("agents", "a whole number from 1 to 100000", agents);
  if (!(day_length >= 60.0 && day_length <= 86400.0)) bad("day_length", "seconds in [60, 86400]", day_length);
  if (days < 1 || days > 3660) bad("days", "a whole number from 1 to 3660", days);
  probability("p_live", p_live);
  probability("p_machine", p_machine);
  probability("p_busy", p_busy);
  probability("p_no_answer", p_no_answer);
  probability("p_invalid", p_invalid);
  const double total = p_live + p_machine + p_busy + p_no_answer + p_invalid;
  if (std::fabs(total - 1.0) > 1e-6) bad("p_live + p_machine + p_busy + p_no_answer + p_invalid", "1", total);
  live_time.validate("live_time");
  machine_time.validate("machine_time");
  busy_time.validate("busy_time");
  no_answer_time.validate("no_answer_time");
  invalid_time.validate("invalid_time");
  talk.validate("talk");
  wrap.validate("wrap");
  inbound_talk.validate("inbound_talk");
  if (!(tau >= 0.0 && tau <= 60.0)) bad("tau", "seconds in [0, 60]", tau);
  probability("amd_false_positive", amd_false_positive);
  for (const auto& [at, mult] : live_drift) {
    if (!(at >= 0.0 && at <= 1.0)) bad("live_drift time", "a fraction of the day in [0, 1]", at);
    if (!(mult >= 0.0 && mult * p_live <= 1.0)) bad("live_drift multiplier", "such that p_live x multiplier is in [0, 1]", mult);
  }
  if (!(inbound_per_hour >= 0.0 && inbound_per_hour <= 1e6)) bad("inbound_per_hour", "in [0, 1000000]", inbound_per_hour);
  if (!shifts.empty() && shifts.size() != static_cast<std::size_t>(agents)) {
    bad("shifts", "empty or one per agent", static_cast<double>(shifts.size()));
  }
  for (const Shift& s : shifts) {
    if (!(s.start >= 0.0 && s.end > s.start && s.end <= day_length)) bad("shifts.end", "after the start and within the day", s.end);
    for (const auto& [b0, b1] : s.breaks) {
      if (!(b0 >= s.start && b1 > b0 && b1 <= s.end)) bad("shifts.breaks", "within the shift, end after start", b0);
    }
  }
  if (!(tick >= 0.01 && tick <= 60.0)) bad("tick", "seconds in [0.01, 60]", tick);
  if (!(series_interval >= tick && series_interval <= 86400.0)) bad("series_interval", "seconds in [tick, 86400]", series_interval);
}

double Scenario::live_probability(double f) const {
  if (live_drift.empty()) return p_live;
  if (f <= live_drift.front().first) return p_live * live_drift.front().second;
  for (std::size_t i = 1; i < live_drift.size(); ++i) {
    const auto& [t1, m1] = live_drift[i];
    if (f <= t1) {
      const auto& [t0, m0] = live_drift[i - 1];
      const double w = t1 > t0 ? (f - t0) / (t1 - t0) : 1.0;
      return p_live * (m0 + w * (m1 - m0));
    }
  }
  return p_live * live_drift.back().second;
}

void Policy::validate() const {
  switch (kind) {
    case Kind::Group: settings.validate(); return;
    case Kind::FixedRatio:
      if (!(ratio >= 0.1 && ratio <= 20.0)) bad("ratio", "in [0.1, 20]", ratio);
      return;
    case Kind::AdaptiveDialLevel:
      if (!(intensity >= -0.4 && intensity <= 0.4)) bad("intensity", "in [-0.4, 0.4]", intensity);
      if (!(max_level >= 1.0 && max_level <= 20.0)) bad("max_level", "in [1, 20]", max_level);
      if (!(drop_limit > 0.0 && drop_limit <= 100.0)) bad("drop_limit", "a percentage in (0, 100]", drop_limit);
      return;
    case Kind::Threshold:
      if (threshold < 1) bad("threshold", "at least 1", threshold);
      if (!(multiplier > 0.0 && multiplier <= 20.0)) bad("multiplier", "in (0, 20]", multiplier);
      return;
    case Kind::PoissonAnswers:
      if (!(answer_rate > 0.0 && std::isfinite(answer_rate))) bad("answer_rate", "a finite rate > 0 per second", answer_rate);
      return;
  }
  throw std::invalid_argument("policy kind is unknown");
}

std::string Policy::name() const {
  char buf[96];
  switch (kind) {
    case Kind::Group: return to_string(settings.mode);
    case Kind::FixedRatio: std::snprintf(buf, sizeof buf, "ratio %.1f", ratio); return buf;
    case Kind::AdaptiveDialLevel: return "adaptive dial level";
    case Kind::Threshold: return "threshold";
    case Kind::PoissonAnswers: return "poisson answers";
  }
  return "unknown";
}

double adaptive_dial_level_step(double level, double differential, double agents, double target,
                                double intensity, double max_level) {
  const double goal = differential + target;
  const double pct = agents > 0.0 && goal != 0.0 ? 100.0 * goal / agents : 0.0;
  const double scaled = pct < 0.0 ? pct * std::fabs(intensity - 1.0) : pct * (intensity + 1.0);
  double next = level * (1.0 + scaled / 100.0);
  next = std::min(next, max_level);
  return std::max(next, 1.0);
}

}  // namespace outpace::sim
