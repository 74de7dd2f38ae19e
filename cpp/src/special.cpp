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
  double term = 1.0;
  for (int i = 1; i <= first; ++i) term *= y / (x + i);
  double sum = 0.0;
  double weighted = 0.0;
  for (int k = first; k < kMaxTerms; ++k) {
    sum += term;
    weighted += k * term;
    const double ratio = y / (x + k + 1);
    term *= ratio;
    if (ratio < 1.0) {
      // The terms left are bounded by a geometric series with this ratio.
      const double rest = 1.0 / (1.0 - ratio);
      const double tail = term * rest;
      const bool sum_done = scale * tail <= 1e-17 * (1.0 + scale * sum);
      const bool weighted_done =
          !want_weighted || tail * (k + 1 + rest) <= 1e-17 * weighted;
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
