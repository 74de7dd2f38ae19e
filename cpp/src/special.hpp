// Special functions behind the queueing formulas: Poisson kernels in log space and
// the two expansions of the incomplete gamma function. Private to the core library.
#pragma once

#include <cstdint>

namespace outpace::special {

// log(y^x e^-y / Gamma(x + 1)) for real x >= 0, y > 0, accurate to a few ulps of the
// result even when x and y are 1e5 or more (Loader's saddle-point form).
double log_poisson_kernel(double x, double y);

// Kummer series M(1, x + 1, y) = sum_{k>=0} prod_{i=1..k} y / (x + i), summed from
// k = `first`; `weighted` (if not null) receives sum of k * term over the same range.
// Converges for any y; needs about (y - x) + 6 sqrt(x) terms. `scale` multiplies every
// term and sets the accuracy wanted: stop once scale * tail < 1e-17 * (1 + scale * sum), so
// scale = 1 asks for full relative accuracy and a small scale only for scale * sum against 1.
struct KummerSum {
  double sum;
  double weighted;
};
KummerSum kummer_series(double x, double y, int first, double scale, bool want_weighted);

// Continued fraction h(a, x) with Q(a, x) = x^a e^-x / Gamma(a) * h(a, x), the regularized
// upper incomplete gamma function. Use for x >= a + 1, where it converges fast.
double gamma_q_fraction(double a, double x);

}  // namespace outpace::special
