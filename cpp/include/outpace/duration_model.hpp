// A learned distribution of a duration (talk, wrap-up, time to answer ...): a histogram
// of the most recent observations on a fixed grid, padded with prior pseudo-observations
// from a configured or default mean until enough real ones arrive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace outpace {

class alignas(64) DurationModel {  // its hot members share one cache line
 public:
  // step: grid step in seconds; max_value: the last bin holds everything beyond;
  // window: how many recent observations are kept; prior_mean, prior_cv: the shape of
  // the prior (lognormal); prior_weight: how many observations the prior is worth at first.
  DurationModel(double step, double max_value, std::size_t window, double prior_mean,
                double prior_cv, double prior_weight);

  void observe(double seconds);
  void set_prior(double mean, double cv);

  // Tabulated on the grid: cdf()[k] = P(X < (k + 1) step), mass()[k] = P(X in bin k),
  // rebuilt lazily when enough new observations have arrived.
  const std::vector<double>& cdf() const;
  const std::vector<double>& mass() const;
  double cdf_at(double seconds) const;  // linear interpolation on the grid
  double quantile(double p) const;
  double mean() const;
  double step() const { return step_; }
  std::size_t bins() const { return counts_.size(); }
  std::size_t observations() const { return total_seen_; }
  // Changes each time the tables are rebuilt; users cache derived tables against it.
  std::uint64_t version() const {
    if (version_ == 0 || stale_ || total_seen_ >= next_build_) rebuild();
    return version_;
  }

 private:
  void rebuild() const;
  std::size_t bin_of(double seconds) const;

  // First, in one cache line: what version() reads (a Dialer tick checks four models per
  // group, prefetching only each model's first line) and what observe() updates.
  mutable std::uint64_t version_ = 0;
  mutable std::size_t next_build_ = 0;
  std::size_t total_seen_ = 0;
  mutable bool stale_ = true;
  std::size_t ring_next_ = 0;
  std::size_t in_window_ = 0;
  double sum_in_window_ = 0.0;      // for the mean
  double step_;
  double inv_step_;                 // 1 / step_ if that is exact (a power-of-two step), else 0
  std::vector<double> counts_;      // real observations in the window, per bin
  std::vector<double> prior_mass_;  // prior shape, sums to 1
  std::vector<std::uint32_t> ring_; // bins of the observations in the window
  double prior_weight_;
  double prior_mean_;
  mutable std::vector<double> cdf_, mass_;  // lazily rebuilt tables
};

}  // namespace outpace
