#include "special.hpp"

#include <cfloat>
#include <cmath>
#include <limits>

namespace outpace::special {
namespace {

constexpr double kLogSqrt2Pi = 0.918938533204672741780329736406;  // log(sqrt(2 pi))
// Iteration caps: the series and fraction converge in O(sqrt(x)) steps for the
// parameters the public functions admit (servers <= 1e9); the caps only guard against a hang.
constexpr int kMaxTerms = 50'000'000;

// log(Gamma(x + 1)) - [(x + 1/2) log x - x + log sqrt(2 pi)], the error of Stirling's formula.
double stirling_error(double x) {
  constexpr double S0 = 1.0 / 12, S1 = 1.0 / 360, S2 = 1.0 / 1260, S3 = 1.0 / 1680,
                   S4 = 1.0 / 1188;
  if (x <= 15.0) {
    return std::lgamma(x + 1.0) - (x + 0.5) * std::log(x) + x - kLogSqrt2Pi;
  }
  const double xx = x * x;
  if (x > 500) return (S0 - S1 / xx) / x;
  if (x > 80) return (S0 - (S1 - S2 / xx) / xx) / x;
  if (x > 35) return (S0 - (S1 - (S2 - S3 / xx) / xx) / xx) / x;
  return (S0 - (S1 - (S2 - (S3 - S4 / xx) / xx) / xx) / xx) / x;
}

// x log(x / m) + m - x, the deviance term, computed without cancellation near x == m.
double deviance(double x, double m) {
  if (std::fabs(x - m) < 0.1 * (x + m)) {
    double v = (x - m) / (x + m);
    double s = (x - m) * v;
    if (std::fabs(s) < DBL_MIN) return s;
    double ej = 2 * x * v;
    v *= v;
    for (int j = 1; j < 1000; ++j) {
      ej *= v;
      const double s1 = s + ej / (2 * j + 1);
      if (s1 == s) return s1;
      s = s1;
    }
  }
  return x * std::log(x / m) + m - x;
}

}  // namespace

double log_poisson_kernel(double x, double y) {
  if (x == 0.0) return -y;
  if (x < 1.0) {
    // Small magnitudes: the direct form is exact enough and avoids log(x) cancellation.
    return x * std::log(y) - y - std::lgamma(x + 1.0);
  }
  return -stirling_error(x) - deviance(x, y) - 0.5 * std::log(2 * M_PI * x);
}

KummerSum kummer_series(double x, double y, int first, double scale, bool want_weighted) {
  double term = 1.0;  // the term of index k below
  for (int i = 1; i <= first; ++i) term *= y / (x + i);
  double sum = 0.0;
  double weighted = 0.0;
  // Blocks of kBlock terms share one division: with D_i = x + k + i, the block's sum
  // R = sum_j prod_{i<=j} y / D_i and its moment U = sum_j j prod_{i<=j} y / D_i are
  // evaluated by Horner's rule over the common denominator M = D_1 ... D_{kBlock-1}.
  // The products stay finite while x and y are below 1e30; beyond, one term at a time.
  constexpr int kBlock = 8;
  const bool blocked = x < 1e30 && y < 1e30;
  double y_pow = y * y;
  y_pow *= y_pow;
  y_pow *= y_pow;  // y^kBlock
  for (int k = first; k < kMaxTerms;) {
    if (blocked) {
      const double base = x + k;
      double m = 1.0, n = 1.0, v = 0.0;
      for (int j = kBlock - 1; j >= 1; --j) {
        v = y * (n + v);
        m *= base + j;
        n = m + y * n;
      }
      // One division per block, off the chain that carries `term` from block to block.
      const double last = base + kBlock;
      const double inv_full = 1.0 / (m * last);
      const double share = term * last * inv_full;  // term / m
      sum += n * share;
      weighted += (k * n + v) * share;
      term *= y_pow * inv_full;
      k += kBlock;
    } else {
      sum += term;
      weighted += k * term;
      term *= y / (x + k + 1);
      ++k;
    }
    // Stop when the terms left, bounded by a geometric series of ratio r = y / (x + k + 1)
    // (tail <= term / (1 - r)), no longer matter; written without divisions.
    const double next = x + k + 1;
    const double gap = next - y;  // (1 - r) * next
    if (gap > 0.0) {
      const bool sum_done = scale * term * next <= 1e-17 * (1.0 + scale * sum) * gap;
      const bool weighted_done =
          !want_weighted || term * next * (k * gap + next) <= 1e-17 * weighted * gap * gap;
      if (sum_done && weighted_done) break;
    }
  }
  return {sum, weighted};
}

double gamma_q_fraction(double a, double x) {
  // Modified Lentz evaluation of the Legendre continued fraction.
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < kMaxTerms; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) <= 1e-16) break;
  }
  return h;
}

}  // namespace outpace::special
