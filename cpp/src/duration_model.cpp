#include "outpace/duration_model.hpp"

#include <algorithm>
#include <cmath>

namespace outpace {

namespace {
// 1 / step when it is exact, that is when step is a power of two (0.5 and 1.0 in
// stats.cpp); 0 otherwise. Then seconds * (1 / step) is seconds / step to the last bit.
double exact_reciprocal(double step) {
  int exponent = 0;
  return step > 0.0 && std::isfinite(step) && std::frexp(step, &exponent) == 0.5 ? 1.0 / step : 0.0;
}
}  // namespace

DurationModel::DurationModel(double step, double max_value, std::size_t window,
                             double prior_mean, double prior_cv, double prior_weight)
    : step_(step),
      inv_step_(exact_reciprocal(step)),
      counts_(static_cast<std::size_t>(std::ceil(max_value / step)) + 1, 0.0),
      prior_mass_(counts_.size(), 0.0),
      ring_(window, 0),
      prior_weight_(prior_weight),
      prior_mean_(prior_mean) {
  set_prior(prior_mean, prior_cv);
}

void DurationModel::set_prior(double mean, double cv) {
  prior_mean_ = mean;
  // Lognormal with this mean and coefficient of variation, integrated over each bin.
  const double s2 = std::log1p(cv * cv);
  const double mu = std::log(std::max(mean, 1e-3)) - 0.5 * s2;
  const double s = std::sqrt(s2);
  const auto lognormal_cdf = [&](double x) {
    return x <= 0.0 ? 0.0 : 0.5 * std::erfc(-(std::log(x) - mu) / (s * std::sqrt(2.0)));
  };
  double prev = 0.0;
  const std::size_t n = prior_mass_.size();
  for (std::size_t k = 0; k < n; ++k) {
    const double hi = k + 1 == n ? 1.0 : lognormal_cdf((static_cast<double>(k) + 1.0) * step_);
    prior_mass_[k] = hi - prev;
    prev = hi;
  }
  stale_ = true;  // rebuild at the next read
}

std::size_t DurationModel::bin_of(double seconds) const {
  if (!(seconds > 0.0)) return 0;
  const double last = static_cast<double>(counts_.size() - 1);
  // seconds > 0, so truncating the quotient is its floor; a product is cheaper than a
  // division when the reciprocal is exact.
  const double b = inv_step_ > 0.0 ? seconds * inv_step_ : std::floor(seconds / step_);
  return static_cast<std::size_t>(std::min(b, last));
}

void DurationModel::observe(double seconds) {
  const std::size_t b = bin_of(seconds);
  if (in_window_ == ring_.size()) {
    const std::uint32_t old = ring_[ring_next_];
    counts_[old] -= 1.0;
    sum_in_window_ -= (static_cast<double>(old) + 0.5) * step_;
  } else {
    ++in_window_;
  }
  ring_[ring_next_] = static_cast<std::uint32_t>(b);
  ring_next_ = ring_next_ + 1 == ring_.size() ? 0 : ring_next_ + 1;  // no division on the hot path
  counts_[b] += 1.0;
  sum_in_window_ += (static_cast<double>(b) + 0.5) * step_;
  ++total_seen_;
}

void DurationModel::rebuild() const {
  // Rebuild on a geometric schedule early (the first observations move the shape most),
  // then every quarter of the window: tables derived from this one are costly to redo.
  if (version_ != 0 && !stale_ && total_seen_ < next_build_) return;
  stale_ = false;
  const std::size_t n = counts_.size();
  cdf_.assign(n, 0.0);
  mass_.assign(n, 0.0);
  // The prior fades as real observations arrive: weight w^2 / (w + seen).
  const double w = prior_weight_ * prior_weight_ / (prior_weight_ + static_cast<double>(total_seen_));
  const double total = static_cast<double>(in_window_) + w;
  double run = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    mass_[k] = (counts_[k] + w * prior_mass_[k]) / total;
    run += mass_[k];
    cdf_[k] = std::min(1.0, run);
  }
  cdf_[n - 1] = 1.0;
  next_build_ = total_seen_ + std::max<std::size_t>(1, std::min(total_seen_, ring_.size() / 4));
  ++version_;
}

const std::vector<double>& DurationModel::cdf() const {
  rebuild();
  return cdf_;
}

const std::vector<double>& DurationModel::mass() const {
  rebuild();
  return mass_;
}

double DurationModel::cdf_at(double seconds) const {
  const std::vector<double>& c = cdf();
  if (!(seconds > 0.0)) return 0.0;
  // cdf_[k] is P(X < (k + 1) step): interpolate between bin edges.
  const double pos = seconds / step_ - 1.0;
  if (pos < 0.0) return c[0] * (seconds / step_);
  const std::size_t k = static_cast<std::size_t>(pos);
  if (k + 1 >= c.size()) return 1.0;
  const double frac = pos - static_cast<double>(k);
  return c[k] + frac * (c[k + 1] - c[k]);
}

double DurationModel::quantile(double p) const {
  const std::vector<double>& c = cdf();
  const auto it = std::lower_bound(c.begin(), c.end(), p);
  const double k = static_cast<double>(it - c.begin());
  return (k + 1.0) * step_;
}

double DurationModel::mean() const {
  const double w = prior_weight_ * prior_weight_ / (prior_weight_ + static_cast<double>(total_seen_));
  return (sum_in_window_ + w * prior_mean_) / (static_cast<double>(in_window_) + w);
}

}  // namespace outpace
