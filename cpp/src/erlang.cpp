#include "outpace/erlang.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>

#include "special.hpp"

namespace outpace {
namespace {

using special::gamma_q_fraction;
using special::kummer_series;
using special::log_poisson_kernel;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::ptrdiff_t kScalar = -1;
// Below this many servers the O(n) recursion is cheaper than the series and exact.
constexpr std::int64_t kRecursionMax = 48;

// ---- validation ---------------------------------------------------------------------

[[noreturn]] void fail(const char* name, std::ptrdiff_t index, const char* rule, double value) {
  char buf[256];
  if (index == kScalar) {
    std::snprintf(buf, sizeof buf, "%s must be %s (got %.17g)", name, rule, value);
  } else {
    std::snprintf(buf, sizeof buf, "%s[%td] must be %s (got %.17g)", name, index, rule, value);
  }
  throw std::invalid_argument(buf);
}

void check_servers(std::int64_t n, std::ptrdiff_t index, const char* name = "servers") {
  if (n < 1 || n > kMaxServers) {
    fail(name, index, "a whole number from 1 to 1000000000", static_cast<double>(n));
  }
}
void check_non_negative(double v, const char* name, std::ptrdiff_t index) {
  if (!(std::isfinite(v) && v >= 0.0)) fail(name, index, "a finite number >= 0", v);
}
void check_positive(double v, const char* name, std::ptrdiff_t index) {
  if (!(std::isfinite(v) && v > 0.0)) fail(name, index, "a finite number > 0", v);
}
void check_duration(double v, const char* name, std::ptrdiff_t index) {
  if (std::isnan(v) || v < 0.0) fail(name, index, "a number >= 0 (inf allowed)", v);
}
void check_probability(double v, const char* name) {
  if (!(v > 0.0 && v < 1.0)) fail(name, kScalar, "a probability strictly between 0 and 1", v);
}

// Served load over capacity; capped at 1 against the last ulp of rounding in overload.
double occupancy(double lam, double p_abandon, double capacity) {
  return std::min(1.0, lam * (1.0 - p_abandon) / capacity);
}

double log_add_exp(double a, double b) {
  if (a < b) std::swap(a, b);
  if (b == -kInf) return a;
  return a + std::log1p(std::exp(b - a));
}

// ---- Erlang B -----------------------------------------------------------------------

// 1 / B(n, A) by the inverse recursion I(k) = 1 + (k / A) I(k - 1), as
// mantissa * exp(log_scale): stable, and rescaled so that it never overflows.
struct Scaled {
  double mantissa;
  double log_scale;
  bool plain() const { return log_scale == 0.0; }
};
Scaled inv_b_recursion(std::int64_t n, double traffic) {
  double inv = 1.0, one = 1.0, log_scale = 0.0;
  const double step = 1.0 / traffic;
  for (std::int64_t k = 1; k <= n; ++k) {
    inv = one + static_cast<double>(k) * step * inv;
    if (inv > 1e280) {
      inv *= 1e-280;
      one *= 1e-280;
      log_scale += 644.72382603833279;  // 280 log(10)
    }
  }
  return {inv, log_scale};
}

// log(1 / B(n, A)) without validation.
double log_inv_b(std::int64_t n, double traffic) {
  if (traffic == 0.0) return kInf;
  const double dn = static_cast<double>(n);
  if (n <= kRecursionMax) {
    const Scaled inv = inv_b_recursion(n, traffic);
    return std::log(inv.mantissa) + inv.log_scale;
  }
  if (traffic >= dn + 2.0) {
    // 1/B = Poisson cdf(n) / pmf(n) = A h(n + 1, A), from Q(n + 1, A) = cdf(n).
    return std::log(traffic) + std::log(gamma_q_fraction(dn + 1.0, traffic));
  }
  // 1/B = (1 - P(X > n)) / pmf(n) with P(X > n) = pmf(n) sum_{k>=1} prod A / (n + i).
  const double log_pmf = log_poisson_kernel(dn, traffic);
  const double pmf = std::exp(log_pmf);
  const double upper = pmf * kummer_series(dn, traffic, 1, pmf, false).sum;
  return -log_pmf + std::log1p(-upper);
}

// ---- Erlang C -----------------------------------------------------------------------

ErlangCMetrics erlang_c_unchecked(std::int64_t n, double traffic, double service_time,
                                  double answer_within) {
  const double dn = static_cast<double>(n);
  if (traffic == 0.0) return {0.0, 0.0, 1.0, 0.0};
  if (traffic >= dn) return {1.0, kInf, 0.0, 1.0};
  const double gap = (dn - traffic) / dn;  // 1 - rho
  const double rho = traffic / dn;
  double c;  // C = 1 / (I (1 - rho) + rho) with I = 1 / ErlangB
  const Scaled small = n <= kRecursionMax ? inv_b_recursion(n, traffic) : Scaled{0.0, 1.0};
  if (small.plain()) {
    c = 1.0 / (small.mantissa * gap + rho);
  } else {
    // In log space, because I overflows for large groups.
    const double L = log_inv_b(n, traffic);
    c = std::exp(-(L + std::log(gap) + std::log1p(rho * std::exp(-L) / gap)));
  }
  const double mean_wait = c * service_time / (dn - traffic);
  const double decay =
      answer_within == 0.0 ? 1.0 : std::exp(-(dn - traffic) * answer_within / service_time);
  return {c, mean_wait, 1.0 - c * decay, rho};
}

// Metrics of an M/M/n queue with infinite patience, as QueueMetrics.
QueueMetrics infinite_patience(std::int64_t n, double arrival_rate, double service_rate) {
  const ErlangCMetrics c =
      erlang_c_unchecked(n, arrival_rate / service_rate, 1.0 / service_rate, 0.0);
  return {c.p_wait, 0.0, c.mean_wait, c.occupancy};
}

// ---- Erlang A -----------------------------------------------------------------------

QueueMetrics erlang_a_unchecked(std::int64_t n, double lam, double mu, double theta) {
  if (lam == 0.0) return {0.0, 0.0, 0.0, 0.0};
  const double nmu = static_cast<double>(n) * mu;
  const double x = nmu / theta;
  const double y = lam / theta;
  if (theta == 0.0 || !std::isfinite(x)) return infinite_patience(n, lam, mu);
  const auto result = [&](double p_wait, double p_abandon_if_wait) {
    const double p_abandon = p_abandon_if_wait * p_wait;
    return QueueMetrics{p_wait, p_abandon, p_abandon / theta, occupancy(lam, p_abandon, nmu)};
  };
  // A(x, y) = x e^y y^-x gamma(x, y) (Mandelbaum & Zeltyn); P(W > 0) = A E / (1 + (A - 1) E)
  // with E = ErlangB(n, lam / mu).
  double log_a;
  double p_abandon_if_wait;
  if (y < x + 1.0) {
    // A(x, y) is exactly the Kummer series, and P(Ab | W > 0) = 1/(rho A) + 1 - 1/rho
    // equals sum k s_k / (y A), which has no cancellation when rho < 1.
    const special::KummerSum s = kummer_series(x, y, 0, 1.0, true);
    // y underflows to 0 only for vanishing traffic, where the limit is 1 / (x + 1).
    p_abandon_if_wait = y > 0.0 ? s.weighted / (y * s.sum) : 1.0 / (x + 1.0);
    if (n <= kRecursionMax) {
      const Scaled inv = inv_b_recursion(n, lam / mu);
      // Plain arithmetic for small groups: A E / (1 + (A - 1) E) = A / (I + A - 1).
      if (inv.plain()) return result(s.sum / (inv.mantissa + s.sum - 1.0), p_abandon_if_wait);
    }
    log_a = std::log(s.sum);
  } else {
    const double log_kernel = log_poisson_kernel(x, y);
    const double q = x * gamma_q_fraction(x, y) * std::exp(log_kernel);  // Q(x, y)
    log_a = -log_kernel + std::log1p(-q);
    const double rho = y / x;
    p_abandon_if_wait = std::exp(-log_a) / rho + 1.0 - 1.0 / rho;
  }
  const double L = log_inv_b(n, lam / mu);  // log(1 / E)
  // A E / ((1 - E) + A E) in log space: A overflows in heavy traffic, E underflows.
  const double log_ae = log_a - L;
  const double log_p_wait = log_ae - log_add_exp(std::log(-std::expm1(-L)), log_ae);
  return result(std::exp(log_p_wait), p_abandon_if_wait);
}

// ---- M/M/n+D ------------------------------------------------------------------------

// (1 - e^-u (1 + u)) / u^2 for u >= 0 and (e^u - 1 - u) / u^2 for u < 0: the mean-wait
// integral over [0, tau] divided by tau^2, accurate near u = 0.
double wait_integral(double u) {
  if (std::fabs(u) < 1e-3) {
    return u >= 0 ? 0.5 - u / 3 + u * u / 8 - u * u * u / 30 + u * u * u * u / 144
                  : 0.5 + u / 6 + u * u / 24 + u * u * u / 120 + u * u * u * u / 720;
  }
  if (u >= 0) return (1.0 - std::exp(-u) * (1.0 + u)) / (u * u);
  return (std::expm1(u) - u) / (u * u);
}

QueueMetrics erlang_d_unchecked(std::int64_t n, double lam, double mu, double tau) {
  if (lam == 0.0) return {0.0, 0.0, 0.0, 0.0};
  if (std::isinf(tau)) return infinite_patience(n, lam, mu);
  const double nmu = static_cast<double>(n) * mu;
  const double d = nmu - lam;
  const double u = d * tau;
  // eps = 1 / B(n - 1, A) (Zeltyn & Mandelbaum's M/M/n+G with deterministic patience),
  // as a plain number for small groups and as its logarithm otherwise.
  const Scaled small = n - 1 <= kRecursionMax ? inv_b_recursion(n - 1, lam / mu) : Scaled{0.0, 1.0};
  const double log_eps = small.plain() ? std::log(small.mantissa) : log_inv_b(n - 1, lam / mu);
  double p_wait, p_abandon, mean_wait;
  if (d >= 0.0) {
    // (1 - e^-u) / d, i.e. tau (1 - e^-u) / u, without 0/0 at u = 0.
    const double ramp = u == 0.0 ? tau : tau * (-std::expm1(-u) / u);
    const double tail = std::exp(-u);
    const double lam_j = lam * (ramp + tail / nmu);
    const double w = tau * tau * wait_integral(u) + tau * tail / nmu;
    if (small.plain()) {
      const double den = small.mantissa + lam_j;
      p_wait = lam_j / den;
      p_abandon = lam / nmu * tail / den;
      mean_wait = lam * w / den;
    } else {
      const double log_den = log_eps + std::log1p(lam_j * std::exp(-log_eps));
      p_wait = std::exp(std::log(lam_j) - log_den);
      p_abandon = std::exp(std::log(lam / nmu) - u - log_den);
      mean_wait = w > 0.0 ? std::exp(std::log(lam * w) - log_den) : 0.0;
    }
  } else {
    // Overloaded: multiply through by e^u (< 1) so nothing overflows.
    const double ramp_up = u == 0.0 ? tau : tau * (std::expm1(u) / u);  // (e^u - 1) / d
    const double lam_j = lam * (ramp_up + 1.0 / nmu);
    const double den = std::exp(log_eps + u) + lam_j;
    p_wait = lam_j / den;
    p_abandon = (lam / nmu) / den;
    mean_wait = lam * (tau * tau * wait_integral(u) + tau / nmu) / den;
  }
  // Only a call that waited can abandon; at tau = 0 the two agree up to the last ulp. No
  // wait exceeds tau, which rounding can break for subnormal tau (hypothesis found 5e-324).
  p_abandon = std::min(p_abandon, p_wait);
  mean_wait = std::min(mean_wait, tau);
  return {p_wait, p_abandon, mean_wait, occupancy(lam, p_abandon, nmu)};
}

}  // namespace

// ---- public scalar API ---------------------------------------------------------------

double log_inverse_erlang_b(std::int64_t servers, double traffic) {
  check_servers(servers, kScalar);
  check_non_negative(traffic, "traffic", kScalar);
  return log_inv_b(servers, traffic);
}

double erlang_b(std::int64_t servers, double traffic) {
  return std::exp(-log_inverse_erlang_b(servers, traffic));
}

ErlangCMetrics erlang_c(std::int64_t servers, double traffic, double service_time,
                        double answer_within) {
  check_servers(servers, kScalar);
  check_non_negative(traffic, "traffic", kScalar);
  check_positive(service_time, "service_time", kScalar);
  check_duration(answer_within, "answer_within", kScalar);
  return erlang_c_unchecked(servers, traffic, service_time, answer_within);
}

QueueMetrics erlang_a(std::int64_t servers, double arrival_rate, double service_rate,
                      double patience_rate) {
  check_servers(servers, kScalar);
  check_non_negative(arrival_rate, "arrival_rate", kScalar);
  check_positive(service_rate, "service_rate", kScalar);
  check_non_negative(patience_rate, "patience_rate", kScalar);
  return erlang_a_unchecked(servers, arrival_rate, service_rate, patience_rate);
}

QueueMetrics erlang_d(std::int64_t servers, double arrival_rate, double service_rate,
                      double tau) {
  check_servers(servers, kScalar);
  check_non_negative(arrival_rate, "arrival_rate", kScalar);
  check_positive(service_rate, "service_rate", kScalar);
  check_duration(tau, "tau", kScalar);
  return erlang_d_unchecked(servers, arrival_rate, service_rate, tau);
}

// ---- inverse questions ---------------------------------------------------------------

namespace {
// Smallest n in [1, kMaxServers] with ok(n), for ok monotone (false ... false true ... true).
template <class Ok>
std::int64_t smallest_servers(Ok ok, std::int64_t start, const char* what) {
  std::int64_t lo = 0;  // ok(lo) is false (or lo == 0)
  std::int64_t hi = std::max<std::int64_t>(1, start);
  while (!ok(hi)) {
    lo = hi;
    if (hi >= kMaxServers) {
      throw std::invalid_argument(std::string(what) + " cannot be met with up to 1000000000 servers");
    }
    hi = std::min<std::int64_t>(kMaxServers, hi * 2);
  }
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (ok(mid)) hi = mid; else lo = mid;
  }
  return hi;
}
}  // namespace

std::int64_t agents_for_service_level(double traffic, double target, double answer_within,
                                      double service_time) {
  check_non_negative(traffic, "traffic", kScalar);
  check_probability(target, "target");
  check_duration(answer_within, "answer_within", kScalar);
  check_positive(service_time, "service_time", kScalar);
  const auto ok = [&](std::int64_t n) {
    return erlang_c_unchecked(n, traffic, service_time, answer_within).service_level >= target;
  };
  return smallest_servers(ok, static_cast<std::int64_t>(std::floor(traffic)) + 1,
                          "the service-level target");
}

std::int64_t agents_for_abandon(double arrival_rate, double service_rate, double tau,
                                double target) {
  check_non_negative(arrival_rate, "arrival_rate", kScalar);
  check_positive(service_rate, "service_rate", kScalar);
  check_duration(tau, "tau", kScalar);
  check_probability(target, "target");
  const auto ok = [&](std::int64_t n) {
    return erlang_d_unchecked(n, arrival_rate, service_rate, tau).p_abandon <= target;
  };
  const double load = arrival_rate / service_rate;
  return smallest_servers(ok, static_cast<std::int64_t>(std::floor(load * 0.5)) + 1,
                          "the abandon target");
}

double max_arrival_rate(std::int64_t servers, double service_rate, double tau, double target) {
  check_servers(servers, kScalar);
  check_positive(service_rate, "service_rate", kScalar);
  check_duration(tau, "tau", kScalar);
  check_probability(target, "target");
  const auto abandon = [&](double lam) {
    return erlang_d_unchecked(servers, lam, service_rate, tau).p_abandon;
  };
  double lo = 0.0;
  double hi = static_cast<double>(servers) * service_rate;
  while (abandon(hi) <= target) {
    lo = hi;
    hi *= 2.0;
    if (!std::isfinite(hi)) return kInf;
  }
  // Bisection: the abandon probability is continuous and increasing in the arrival rate.
  for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (abandon(mid) <= target) lo = mid; else hi = mid;
  }
  return lo;
}

// ---- array forms --------------------------------------------------------------------

void erlang_b(const std::int64_t* servers, const double* traffic, double* out, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto at = static_cast<std::ptrdiff_t>(i);
    check_servers(servers[i], at);
    check_non_negative(traffic[i], "traffic", at);
    out[i] = std::exp(-log_inv_b(servers[i], traffic[i]));
  }
}

void erlang_c(const std::int64_t* servers, const double* traffic, const double* service_time,
              const double* answer_within, ErlangCMetrics* out, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto at = static_cast<std::ptrdiff_t>(i);
    check_servers(servers[i], at);
    check_non_negative(traffic[i], "traffic", at);
    check_positive(service_time[i], "service_time", at);
    check_duration(answer_within[i], "answer_within", at);
    out[i] = erlang_c_unchecked(servers[i], traffic[i], service_time[i], answer_within[i]);
  }
}

namespace {

// Erlang A for kLanes small groups at once (servers <= kRecursionMax, y < x + 1): the same
// Kummer series and inverse recursion as erlang_a_unchecked, in lock step on vectors of
// four lanes, two vectors interleaved, so the dependency chains overlap in the processor
// instead of waiting on each other. Returns false (nothing written) when any lane needs
// the general path.
constexpr int kLanes = 8;
#if defined(__GNUC__)  // GCC and Clang vector extensions; others take the general path
#define OUTPACE_HAVE_LANES 1
using Lanes4 = double __attribute__((vector_size(32)));
constexpr int kVectors = kLanes / 4;

// Built twice where the compiler and C library allow: for x86-64-v3 (AVX2 and FMA, picked at
// load time on processors that have them) and for the baseline, where each vector operation
// becomes two SSE2 ones. Results agree to rounding (FMA rounds once where SSE2 rounds twice).
#if defined(__x86_64__) && defined(__linux__) && !defined(__SANITIZE_THREAD__) && !defined(__clang__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
bool erlang_a_lanes(const std::int64_t* n, const double* lam, const double* mu, const double* theta,
                    QueueMetrics* out) {
  constexpr int G = kVectors;
  Lanes4 x[G], y[G], dn[G], step[G];
  double top = 0.0;
  for (int j = 0; j < kLanes; ++j) {
    if (n[j] > kRecursionMax || !(lam[j] > 0.0) || !(theta[j] > 0.0)) return false;
    const double xj = static_cast<double>(n[j]) * mu[j] / theta[j];
    const double yj = lam[j] / theta[j];
    if (!(yj < xj + 1.0) || !std::isfinite(xj) || xj >= 1e30 || !(yj > 0.0)) return false;
    x[j / 4][j % 4] = xj;
    y[j / 4][j % 4] = yj;
    dn[j / 4][j % 4] = static_cast<double>(n[j]);
    step[j / 4][j % 4] = mu[j] / lam[j];  // 1 / traffic
    top = std::max(top, static_cast<double>(n[j]));
  }
  const Lanes4 one = {1.0, 1.0, 1.0, 1.0};
  const Lanes4 zero = {0.0, 0.0, 0.0, 0.0};
  // Inverse Erlang B recursion; values stay below 1e280 for these sizes unless traffic is
  // tiny, which the general path handles (checked after).
  Lanes4 inv[G];
  for (int g = 0; g < G; ++g) inv[g] = one;
  for (double k = 1.0; k <= top; k += 1.0) {
    for (int g = 0; g < G; ++g) {
      const Lanes4 next = one + k * step[g] * inv[g];
      inv[g] = k <= dn[g] ? next : inv[g];
    }
  }
  for (int j = 0; j < kLanes; ++j) {
    if (!(inv[j / 4][j % 4] < 1e280)) return false;
  }
  // Kummer series in blocks of 8 terms (see special::kummer_series), until every lane is done.
  Lanes4 term[G], sum[G], moment[G], y8[G], live[G];
  for (int g = 0; g < G; ++g) {
    term[g] = one;
    sum[g] = moment[g] = zero;
    live[g] = one;
    const Lanes4 y2 = y[g] * y[g];
    const Lanes4 y4 = y2 * y2;
    y8[g] = y4 * y4;
  }
  for (int k = 0; k < 1'000'000; k += 8) {
    const double dk = k;
    Lanes4 m[G], nn[G], v[G];
    for (int g = 0; g < G; ++g) {
      m[g] = one;
      nn[g] = one;
      v[g] = zero;
    }
    for (int i = 7; i >= 1; --i) {
      for (int g = 0; g < G; ++g) {
        v[g] = y[g] * nn[g] + y[g] * v[g];
        m[g] *= x[g] + (dk + i);
        nn[g] = m[g] + y[g] * nn[g];
      }
    }
    bool any = false;
    for (int g = 0; g < G; ++g) {
      const Lanes4 last = x[g] + (dk + 8.0);
      const Lanes4 inv_full = one / (m[g] * last);
      const Lanes4 share = live[g] != zero ? term[g] * last * inv_full : zero;
      sum[g] += nn[g] * share;
      moment[g] += (dk * nn[g] + v[g]) * share;
      term[g] *= y8[g] * inv_full;
      const Lanes4 next = last + 1.0;
      const Lanes4 gap = next - y[g];
      const auto finished = (gap > 0.0) & (term[g] * next <= 1e-17 * (one + sum[g]) * gap) &
                            (term[g] * next * ((dk + 8.0) * gap + next) <= 1e-17 * moment[g] * gap * gap);
      live[g] = finished ? zero : live[g];
      for (int l = 0; l < 4; ++l) any = any || live[g][l] != 0.0;
    }
    if (!any) break;
  }
  for (int j = 0; j < kLanes; ++j) {
    const double s = sum[j / 4][j % 4];
    const double yj = y[j / 4][j % 4];
    const double nmu = static_cast<double>(n[j]) * mu[j];
    const double p_wait = s / (inv[j / 4][j % 4] + s - 1.0);
    const double p_abandon = moment[j / 4][j % 4] / (yj * s) * p_wait;
    out[j] = {p_wait, p_abandon, p_abandon / theta[j], std::min(1.0, lam[j] * (1.0 - p_abandon) / nmu)};
  }
  return true;
}
#endif

}  // namespace

void erlang_a(const std::int64_t* servers, const double* arrival_rate,
              const double* service_rate, const double* patience_rate, QueueMetrics* out,
              std::size_t count) {
  std::size_t i = 0;
  // Small groups kLanes at a time after validating them (the common case of staffing grids).
  for (; i + kLanes <= count; i += kLanes) {
    for (std::size_t j = i; j < i + kLanes; ++j) {
      const auto at = static_cast<std::ptrdiff_t>(j);
      check_servers(servers[j], at);
      check_non_negative(arrival_rate[j], "arrival_rate", at);
      check_positive(service_rate[j], "service_rate", at);
      check_non_negative(patience_rate[j], "patience_rate", at);
    }
#ifdef OUTPACE_HAVE_LANES
    if (erlang_a_lanes(servers + i, arrival_rate + i, service_rate + i, patience_rate + i, out + i)) continue;
#endif
    for (std::size_t j = i; j < i + kLanes; ++j) {
      out[j] = erlang_a_unchecked(servers[j], arrival_rate[j], service_rate[j], patience_rate[j]);
    }
  }
  for (; i < count; ++i) {
    const auto at = static_cast<std::ptrdiff_t>(i);
    check_servers(servers[i], at);
    check_non_negative(arrival_rate[i], "arrival_rate", at);
    check_positive(service_rate[i], "service_rate", at);
    check_non_negative(patience_rate[i], "patience_rate", at);
    out[i] = erlang_a_unchecked(servers[i], arrival_rate[i], service_rate[i], patience_rate[i]);
  }
}

void erlang_d(const std::int64_t* servers, const double* arrival_rate,
              const double* service_rate, const double* tau, QueueMetrics* out,
              std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto at = static_cast<std::ptrdiff_t>(i);
    check_servers(servers[i], at);
    check_non_negative(arrival_rate[i], "arrival_rate", at);
    check_positive(service_rate[i], "service_rate", at);
    check_duration(tau[i], "tau", at);
    out[i] = erlang_d_unchecked(servers[i], arrival_rate[i], service_rate[i], tau[i]);
  }
}

}  // namespace outpace
