#include "outpace/pacer.hpp"

#include <algorithm>
#include <cmath>

namespace outpace {

std::int64_t progressive_calls(double m, std::int64_t ready, std::int64_t queued,
                               std::int64_t dialing) {
  // One line per agent (the default) in integers: with m = 1 and counts far below 2^52 the
  // doubles below are exact and the 1e-9 never reaches the next integer, so this is the
  // same number without the divide, ceil and floor.
  constexpr std::int64_t kExact = std::int64_t{1} << 40;
  if (m == 1.0 && ready > -kExact && ready < kExact && queued > -kExact && queued < kExact &&
      dialing > -kExact && dialing < kExact) {
    return std::max<std::int64_t>(0, ready - queued - dialing);
  }
  const double dialing_agents = std::ceil(static_cast<double>(dialing) / m);
  const double calls = std::floor(m * (static_cast<double>(ready - queued) - dialing_agents) + 1e-9);
  return calls > 0.0 ? static_cast<std::int64_t>(calls) : 0;
}

namespace {

constexpr int K = PredictiveModel::kHorizons;
// Quantiles of the live dial-to-answer time used as horizons.
constexpr double kHorizonQuantiles[K] = {0.25, 0.5, 0.8};
// Up to this many uncertain items (busy agents + calls in flight) the sums are exact.
constexpr std::size_t kExactItems = 48;
constexpr double kRingMax = 120.0;  // s, the ring table's reach

// Standard normal density and distribution at z, with one exp: Zelen & Severo's
// polynomial (Abramowitz & Stegun 26.2.17), absolute error below 7.5e-8 — far below what
// moves a decision, at half the cost of exp + erfc on the hot path.
inline void normal_pdf_cdf(double z, double* pdf, double* cdf) {
  *pdf = 0.3989422804014327 * std::exp(-0.5 * z * z);
  const double t = 1.0 / (1.0 + 0.2316419 * std::fabs(z));
  const double poly =
      t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const double upper = *pdf * poly;  // P(Z > |z|)
  *cdf = z >= 0.0 ? 1.0 - upper : upper;
}

// E[Y+] for Y ~ Normal(mean, var).
double normal_positive_part(double mean, double var) {
  if (var <= 1e-12) return std::max(mean, 0.0);
  const double sd = std::sqrt(var);
  double pdf, cdf;
  normal_pdf_cdf(mean / sd, &pdf, &cdf);
  return sd * pdf + mean * cdf;
}

// Adds a Bernoulli(p) variable to the distribution `dist` (size grows by one).
void convolve_bernoulli(std::vector<double>& dist, double p) {
  dist.push_back(0.0);
  for (std::size_t i = dist.size() - 1; i > 0; --i) dist[i] = dist[i] * (1.0 - p) + dist[i - 1] * p;
  dist[0] *= (1.0 - p);
}

// Adds, per horizon, q = scale * row[k] to mean[k] and q (1 - q) to var[k] for the table
// row of each item (row_of(elapsed) gives its index, or -1 to leave the item out). Each
// chunk's rows are requested before any is summed, so their loads overlap when the table
// is not in cache (a Dialer tick over thousands of groups); the indices are computed once.
template <class RowOf>
void sum_rows(const float* table, const double* elapsed, std::size_t n, double scale, double* mean,
              double* var, RowOf row_of) {
  constexpr std::size_t kChunk = 64;
  std::size_t at[kChunk];
  for (std::size_t start = 0; start < n; start += kChunk) {
    const std::size_t m = std::min(kChunk, n - start);
    std::size_t used = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const std::int64_t row = row_of(elapsed[start + i]);
      if (row < 0) continue;
      at[used] = static_cast<std::size_t>(row) * K;
      __builtin_prefetch(table + at[used]);
      ++used;
    }
    for (std::size_t j = 0; j < used; ++j) {
      const float* r = table + at[j];
      for (int k = 0; k < K; ++k) {
        const double q = scale * r[k];
        mean[k] += q;
        var[k] += q * (1.0 - q);
      }
    }
  }
}

}  // namespace

namespace {
// Linear interpolation of a tabulated cdf (cdf[k] = P(X < (k + 1) step)) at t seconds.
double interpolate(const std::vector<double>& cdf, double step, double t) {
  if (!(t > 0.0)) return 0.0;
  const double pos = t / step - 1.0;
  if (pos < 0.0) return cdf[0] * (t / step);
  const auto k = static_cast<std::size_t>(pos);
  if (k + 1 >= cdf.size()) return 1.0;
  const double frac = pos - static_cast<double>(k);
  return cdf[k] + frac * (cdf[k + 1] - cdf[k]);
}
}  // namespace

void PredictiveModel::refresh(const GroupStats& stats, double tau) {
  const DurationModel& live = stats.live_answer_time;
  const DurationModel& other = stats.other_outcome_time;
  const std::uint64_t v[4] = {live.version(), other.version(), stats.talk_time.version(),
                              stats.wrap_time.version()};
  const double h = stats.hit_ratio.value();
  stay_ = 1.0 - stats.leave_after_wrap.value();
  const bool answer_shape = v[0] != versions_[0] || v[1] != versions_[1];
  bool work_shape = v[2] != versions_[2] || v[3] != versions_[3] || tau != tau_ ||
                    stats.ignore_longer_than != ignore_longer_than_;
  const bool hit_changed = std::fabs(h - hit_) > 0.02 * h;  // 2%: ring tables are cheap, not free
  if (!answer_shape && !work_shape && !hit_changed) return;
  std::copy(v, v + 4, versions_);
  tau_ = tau;
  ignore_longer_than_ = stats.ignore_longer_than;
  hit_ = h;
  const std::vector<double>& live_cdf = live.cdf();
  const double live_step = live.step();
  const auto n_ring = static_cast<std::size_t>(kRingMax / kRingStep) + 1;

  if (answer_shape || ring_shapes_.empty()) {
    // Horizons on a half-second grid, so that small moves of the answer-time quantiles do
    // not force the costly tables of talking agents to be rebuilt.
    for (int k = 0; k < K; ++k) {
      const double r = std::max(0.5, std::round(live.quantile(kHorizonQuantiles[k]) * 2.0) / 2.0);
      if (r != horizon_[k]) work_shape = true;
      horizon_[k] = r;
    }
    const std::vector<double>& other_cdf = other.cdf();
    ring_shapes_.assign(n_ring * kRingWidth, 0.0);
    for (std::size_t i = 0; i < n_ring; ++i) {
      const double e = static_cast<double>(i) * kRingStep;
      const double fl = interpolate(live_cdf, live_step, e);
      double* row = &ring_shapes_[i * kRingWidth];
      for (int k = 0; k < K; ++k) row[k] = interpolate(live_cdf, live_step, e + horizon_[k]) - fl;
      row[kLiveSurvive] = 1.0 - fl;
      row[kOtherSurvive] = 1.0 - interpolate(other_cdf, other.step(), e);
    }
  }

  if (work_shape) {
    // Talking agent: P(rest of talk + wrap-up <= w | talked e) by summing over the bin in
    // which the talk ends. The tail beyond the 99.95% quantile reuses its last row.
    const std::vector<double>& talk = stats.talk_time.mass();
    const std::size_t nt = talk.size();
    std::vector<double> survive(nt + 1, 0.0);
    for (std::size_t i = nt; i-- > 0;) survive[i] = survive[i + 1] + talk[i];
    std::size_t e_max = std::min<std::size_t>(nt - 1, static_cast<std::size_t>(stats.talk_time.quantile(0.9995)) + 1);
    if (ignore_longer_than_ > 0.0) e_max = std::min<std::size_t>(e_max, static_cast<std::size_t>(ignore_longer_than_) + 1);
    const DurationModel& wrap = stats.wrap_time;
    const std::vector<double>& wrap_cdf = wrap.cdf();
    const double wrap_step = wrap.step();
    for (int k = 0; k < K; ++k) {
      const double w = horizon_[k] + tau;
      const auto span = static_cast<std::size_t>(std::ceil(w));
      std::vector<double> wrap_by(span);
      for (std::size_t j = 0; j < span; ++j) wrap_by[j] = interpolate(wrap_cdf, wrap_step, w - static_cast<double>(j) - 0.5);
      std::vector<double>& table = talk_free_[k];
      table.assign(e_max + 1, 0.0);
      for (std::size_t e = 0; e <= e_max; ++e) {
        double num = 0.0;
        const std::size_t stop = std::min(span, nt - e);
        for (std::size_t j = 0; j < stop; ++j) num += talk[e + j] * wrap_by[j];
        table[e] = survive[e] > 1e-300 ? std::min(1.0, num / survive[e]) : 0.0;
      }
      // Agent in wrap-up: P(rest of wrap-up <= w | wrapped up e), up to the 99.95% quantile
      // (longer wrap-ups reuse the last row).
      const std::size_t nw = std::min<std::size_t>(wrap.bins(), static_cast<std::size_t>(wrap.quantile(0.9995)) + 2);
      std::vector<double>& wt = wrap_free_[k];
      wt.assign(nw, 0.0);
      for (std::size_t e = 0; e < nw; ++e) {
        const double fe = interpolate(wrap_cdf, wrap_step, static_cast<double>(e));
        const double s = 1.0 - fe;
        wt[e] = s > 1e-12 ? std::clamp((interpolate(wrap_cdf, wrap_step, static_cast<double>(e) + w) - fe) / s, 0.0, 1.0) : 1.0;
      }
    }
    interleave(talk_free_, talk_rows_);
    interleave(wrap_free_, wrap_rows_);
  }
  // Call in flight: P(live answer within r | no outcome yet after e seconds), from the
  // shapes and the current hit ratio, straight into the rows decide_normal reads.
  const std::size_t n_rows = ring_shapes_.size() / kRingWidth;
  ring_rows_.resize(n_rows * K);
  for (std::size_t i = 0; i < n_rows; ++i) {
    const double* shape = &ring_shapes_[i * kRingWidth];
    const double pending = h * shape[kLiveSurvive] + (1.0 - h) * shape[kOtherSurvive];
    const double scale = pending > 1e-12 ? h / pending : 0.0;  // one division per row
    for (int k = 0; k < K; ++k) {
      ring_rows_[i * K + static_cast<std::size_t>(k)] = static_cast<float>(std::clamp(scale * shape[k], 0.0, 1.0));
    }
  }
  for (int k = 0; k < K; ++k) new_call_[k] = h * interpolate(live_cdf, live_step, horizon_[k]);
}

void PredictiveModel::interleave(const std::array<std::vector<double>, kHorizons>& by_horizon,
                                 HotVector<float>& out) {
  const std::size_t n = by_horizon[0].size();
  out.resize(n * K);
  for (std::size_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k) out[i * K + static_cast<std::size_t>(k)] = static_cast<float>(by_horizon[k][i]);
}

Decision PredictiveModel::decide(const PacerState& s) const {
  if (s.max_new_calls <= 0 || talk_free_[0].empty()) return {};
  const std::size_t items = s.talking + s.wrapping + s.ringing;
  return items <= kExactItems ? decide_exact(s) : decide_normal(s);
}

Decision PredictiveModel::decide_normal(const PacerState& s) const {
  // Means and variances of answers (A) and of agents freed (V), per horizon, from the
  // row-interleaved tables: one row per item, one load per horizon.
  double a_mean[K] = {}, a_var[K] = {}, v_mean[K] = {}, v_var[K] = {};
  sum_rows(ring_rows_.data(), s.ring_elapsed, s.ringing, s.answer_share, a_mean, a_var,
           [&](double e) { return ring_row(e); });
  const auto busy = [&](const HotVector<float>& table, double ignore) {
    return [last = last_row(table), ignore](double e) {
      return ignore > 0.0 && e > ignore ? std::int64_t{-1} : static_cast<std::int64_t>(busy_row(last, e));
    };
  };
  sum_rows(talk_rows_.data(), s.talk_elapsed, s.talking, stay_, v_mean, v_var, busy(talk_rows_, ignore_longer_than_));
  sum_rows(wrap_rows_.data(), s.wrap_elapsed, s.wrapping, stay_, v_mean, v_var, busy(wrap_rows_, 0.0));
  const double free_now = static_cast<double>(s.ready - s.held);
  // Inbound calls take agents first: the shortfall they cause on their own is theirs (they
  // wait in the queue), so only what the outbound answers add to it counts against theta.
  double inbound_alone[K] = {};
  for (int k = 0; k < K; ++k) {
    const double inbound = s.inbound_per_second * (horizon_[k] + tau_);
    if (inbound > 0.0) inbound_alone[k] = normal_positive_part(inbound - v_mean[k] - free_now, inbound + v_var[k]);
  }
  // Per horizon, f(x) = E[unmatched] - theta E[answers] is smooth and convex in x (with
  // f(0) <= 0 when dialing is safe at all): the largest safe count is the floor of its
  // root. f keeps, per horizon, the expected shortfall at the last x it was evaluated at:
  // the explanation at the chosen count then mostly needs no evaluation of its own.
  double shortfall_x[K] = {-1.0, -1.0, -1.0}, shortfall_at[K] = {};
  const auto f = [&](double x, int k, double* slope) {
    ++evaluations_;
    const double b = s.answer_share * new_call_[k];
    const double inbound = s.inbound_per_second * (horizon_[k] + tau_);
    const double mean = a_mean[k] + x * b + inbound - v_mean[k] - free_now;
    const double var = a_var[k] + x * b * (1.0 - b) + inbound + v_var[k];
    const double answers = a_mean[k] + x * b;
    double shortfall;
    if (var <= 1e-12) {
      *slope = (mean > 0.0 ? b : 0.0) - s.theta * b;
      shortfall = std::max(mean, 0.0);
    } else {
      const double sd = std::sqrt(var);
      double pdf, cdf;
      normal_pdf_cdf(mean / sd, &pdf, &cdf);
      *slope = b * cdf + pdf * b * (1.0 - b) / (2.0 * sd) - s.theta * b;
      shortfall = sd * pdf + mean * cdf;
    }
    shortfall_x[k] = x;
    shortfall_at[k] = shortfall;
    return shortfall - inbound_alone[k] - s.theta * answers - 1e-12;
  };
  Decision d;
  d.exact = false;
  double allowed = static_cast<double>(s.max_new_calls);
  // Start with the horizon that bound last time: the others then need two evaluations.
  int order[K];
  for (int i = 0; i < K; ++i) order[i] = (last_binding_ + i) % K;
  for (int i = 0; i < K && allowed > 0.0; ++i) {
    const int k = order[i];
    double slope;
    if (f(0.0, k, &slope) > 0.0) {
      allowed = 0.0;
      break;
    }
    const double b = s.answer_share * new_call_[k];
    if (b <= 0.0) continue;  // new calls cannot be answered within this horizon
    // Start where the mean shortfall is two standard deviations above zero: past the root.
    const double inbound = s.inbound_per_second * (horizon_[k] + tau_);
    const double sd0 = std::sqrt(a_var[k] + v_var[k] + inbound + 1.0);
    double x = std::min(allowed, std::max(1.0, (v_mean[k] + free_now - a_mean[k] - inbound + 2.0 * sd0) / b));
    double fx = f(x, k, &slope);
    if (fx <= 0.0) {
      if (x >= allowed) continue;  // safe up to the cap
      // Rare: still safe two deviations out; double until unsafe or capped.
      while (fx <= 0.0 && x < allowed) {
        x = std::min(allowed, 2.0 * x);
        fx = f(x, k, &slope);
      }
      if (fx <= 0.0) continue;
    }
    // Newton's method from the right, on whole numbers. Where f > 0 (right of the root) the
    // tangent of a convex f meets zero at or right of the root, so the floor of that point
    // is at or right of the root's floor; the first whole number where f <= 0 is therefore
    // the root's floor, the largest safe count. Each step goes down by at least one.
    while (fx > 0.0) {
      const double next = slope > 0.0 ? std::floor(x - fx / slope) : x - 1.0;
      x = std::max(0.0, std::min(next, std::ceil(x) - 1.0));
      fx = f(x, k, &slope);
    }
    if (x < allowed) last_binding_ = k;
    allowed = std::min(allowed, x);
  }
  d.calls = static_cast<std::int64_t>(allowed);
  // Explain with the horizon whose risk is highest at the chosen count.
  double worst = -1.0;
  for (int k = 0; k < K; ++k) {
    const double xd = static_cast<double>(d.calls);
    const double b = s.answer_share * new_call_[k];
    if (shortfall_x[k] != xd) {
      double slope;
      f(xd, k, &slope);
    }
    const double answers = a_mean[k] + xd * b;
    const double unmatched = std::max(0.0, shortfall_at[k] - inbound_alone[k]);
    const double risk = answers > 0.0 ? unmatched / answers : 0.0;
    if (risk > worst) {
      worst = risk;
      d.abandon_risk = risk;
      d.expected_answers = answers;
      d.expected_free_agents = v_mean[k] + free_now;
      d.horizon = horizon_[k];
    }
  }
  return d;
}

SafeCalls largest_safe_calls(const double* answer, std::size_t n_answer, const double* free,
                             std::size_t n_free, double new_call, double free_now, double theta,
                             std::int64_t max_calls, double demand_mean) {
  // Distribution of V, then G(j) = E[(j - V)+] for j = 0 .. n_free + 1.
  std::vector<double> v(1, 1.0);
  double v_mean = 0.0;
  for (std::size_t i = 0; i < n_free; ++i) {
    convolve_bernoulli(v, free[i]);
    v_mean += free[i];
  }
  std::vector<double> g(v.size() + 1, 0.0);
  double below = 0.0;
  for (std::size_t j = 0; j + 1 < g.size(); ++j) {
    below += v[j];
    g[j + 1] = g[j] + below;  // E[(j+1 - V)+] - E[(j - V)+] = P(V <= j)
  }
  // Distribution of the answers (and the Poisson demand).
  std::vector<double> a(1, 1.0);
  double a_mean = 0.0;
  for (std::size_t i = 0; i < n_answer; ++i) {
    convolve_bernoulli(a, answer[i]);
    a_mean += answer[i];
  }
  std::vector<double> pois;
  if (demand_mean > 0.0) {
    const auto top = static_cast<std::size_t>(demand_mean + 10.0 * std::sqrt(demand_mean) + 5.0);
    pois.resize(top + 1);
    pois[0] = std::exp(-demand_mean);
    for (std::size_t j = 1; j <= top; ++j) pois[j] = pois[j - 1] * demand_mean / static_cast<double>(j);
    std::vector<double> out(a.size() + top, 0.0);
    for (std::size_t i = 0; i < a.size(); ++i)
      for (std::size_t j = 0; j <= top; ++j) out[i + j] += a[i] * pois[j];
    a.swap(out);
  }
  const auto c = static_cast<std::int64_t>(std::floor(free_now));
  const auto shortfall = [&](std::int64_t j) {
    if (j <= 0) return 0.0;
    const auto ju = static_cast<std::size_t>(j);
    return ju < g.size() ? g[ju] : static_cast<double>(j) - v_mean;  // beyond every agent: j - E[V]
  };
  // The demand takes agents first: the shortfall it causes alone is not the answers'.
  double demand_alone = 0.0;
  for (std::size_t j = 0; j < pois.size(); ++j) demand_alone += pois[j] * shortfall(static_cast<std::int64_t>(j) - c);
  SafeCalls out;
  for (std::int64_t x = 0;; ++x) {
    double unmatched = -demand_alone;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] > 0.0) unmatched += a[i] * shortfall(static_cast<std::int64_t>(i) - c);
    }
    unmatched = std::max(unmatched, 0.0);
    const double answers = a_mean + static_cast<double>(x) * new_call;
    out.risks.push_back(answers > 0.0 ? unmatched / answers : 0.0);
    if (unmatched > theta * answers + 1e-12) break;
    out.calls = x;
    if (x >= max_calls) break;
    convolve_bernoulli(a, new_call);
  }
  return out;
}

Decision PredictiveModel::decide_exact(const PacerState& s) const {
  // Each horizon allows calls up to its own limit (the rule is convex in x); the decision
  // is the smallest of them.
  std::vector<double> answer(s.ringing), free(s.talking + s.wrapping);
  Decision d;
  d.exact = true;
  d.calls = s.max_new_calls;
  int binding = 0;
  double binding_risk = -1.0;
  double free_mean[K] = {};
  for (int k = 0; k < K; ++k) {
    for (std::size_t i = 0; i < s.ringing; ++i) answer[i] = s.answer_share * ring_probability(s.ring_elapsed[i], k);
    for (std::size_t i = 0; i < s.talking; ++i) free[i] = free_probability(false, s.talk_elapsed[i], k);
    for (std::size_t i = 0; i < s.wrapping; ++i) free[s.talking + i] = free_probability(true, s.wrap_elapsed[i], k);
    for (const double p : free) free_mean[k] += p;
    const SafeCalls r = largest_safe_calls(answer.data(), answer.size(), free.data(), free.size(),
                                           s.answer_share * new_call_[k], static_cast<double>(s.ready - s.held),
                                           s.theta, s.max_new_calls, s.inbound_per_second * (horizon_[k] + tau_));
    const std::int64_t allowed = std::max<std::int64_t>(r.calls, 0);
    const double risk = r.risks[static_cast<std::size_t>(allowed)];
    if (allowed < d.calls || (allowed == d.calls && risk > binding_risk)) {
      binding = k;
      binding_risk = risk;
    }
    d.calls = std::min(d.calls, allowed);
  }
  // Explain with the binding horizon, at the chosen count.
  double a_mean = 0.0;
  for (std::size_t i = 0; i < s.ringing; ++i) a_mean += s.answer_share * ring_probability(s.ring_elapsed[i], binding);
  d.expected_answers = a_mean + static_cast<double>(d.calls) * s.answer_share * new_call_[binding];
  d.expected_free_agents = free_mean[binding] + static_cast<double>(s.ready - s.held);
  d.abandon_risk = binding_risk;
  d.horizon = horizon_[binding];
  return d;
}

}  // namespace outpace
