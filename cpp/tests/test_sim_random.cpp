// The campaign simulator's generator and transforms (sim/random.hpp): the published
// reference outputs, and the distributions of the draws, fine enough that a wrong layer of
// the ziggurat or a wrong transform fails. Fixed seeds: the outcomes are reproducible.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <vector>

#include "outpace/sim/random.hpp"
#include "outpace/sim/scenario.hpp"

namespace {

using outpace::sim::Xoshiro256ss;

TEST(SimRandom, ReferenceOutputs) {
  // xoshiro256** from the state {1, 2, 3, 4} (prng.di.unimi.it reference code).
  Xoshiro256ss x(std::array<std::uint64_t, 4>{1, 2, 3, 4});
  EXPECT_EQ(x(), 11520u);
  EXPECT_EQ(x(), 0u);
  EXPECT_EQ(x(), 1509978240u);
  EXPECT_EQ(x(), 1215971899390074240u);
  std::uint64_t state = 0;
  EXPECT_EQ(outpace::sim::splitmix64(state), 0xe220a8397b1dcdafULL);
}

TEST(SimRandom, SameSeedSameDraws) {
  Xoshiro256ss a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const double x = a.normal();
    EXPECT_EQ(x, b.normal());
    differs = differs || x != c.normal();
  }
  EXPECT_TRUE(differs);
}

// Pearson's chi-square over `bins` equiprobable bins of cdf(x) (1000 bins: 999 degrees of
// freedom, sd 44.7; the bound is mean + 6 sd) and the largest gap between the empirical
// and the true CDF on that grid, against 2.5 / sqrt(n) (Kolmogorov-Smirnov, p < 1e-5).
void check_distribution(const std::function<double()>& draw, const std::function<double(double)>& cdf, int n) {
  constexpr int bins = 1000;
  std::vector<double> count(bins, 0.0);
  for (int i = 0; i < n; ++i) {
    const double p = cdf(draw());
    ASSERT_TRUE(p >= 0.0 && p <= 1.0);
    count[static_cast<std::size_t>(std::min(bins - 1, static_cast<int>(p * bins)))] += 1.0;
  }
  const double expected = static_cast<double>(n) / bins;
  double chi2 = 0.0, run = 0.0, ks = 0.0;
  for (int b = 0; b < bins; ++b) {
    const double c = count[static_cast<std::size_t>(b)];
    chi2 += (c - expected) * (c - expected) / expected;
    run += c;
    ks = std::max(ks, std::fabs(run / n - static_cast<double>(b + 1) / bins));
  }
  EXPECT_LT(chi2, 999.0 + 6.0 * 44.7);
  EXPECT_LT(ks, 2.5 / std::sqrt(static_cast<double>(n)));
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

TEST(SimRandom, UniformIsUniform) {
  Xoshiro256ss rng(1);
  check_distribution([&] { return rng.uniform(); }, [](double u) { return u; }, 2000000);
}

TEST(SimRandom, NormalIsStandardNormal) {
  Xoshiro256ss rng(2);
  check_distribution([&] { return rng.normal(); }, normal_cdf, 20000000);
}

TEST(SimRandom, NormalMomentsAndTails) {
  Xoshiro256ss rng(3);
  constexpr int n = 4000000;
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  int beyond_r = 0, beyond_45 = 0, negative = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.normal();
    s1 += x;
    s2 += x * x;
    s3 += x * x * x;
    s4 += x * x * x * x;
    beyond_r += std::fabs(x) > outpace::sim::ZigguratNormal::kR;
    beyond_45 += std::fabs(x) > 4.5;
    negative += x < 0.0;
  }
  const double nn = n;
  // Standard errors: mean 1/sqrt(n), variance sqrt(2/n), skewness sqrt(6/n), kurtosis sqrt(96/n).
  EXPECT_NEAR(s1 / nn, 0.0, 5.0 / std::sqrt(nn));
  EXPECT_NEAR(s2 / nn, 1.0, 5.0 * std::sqrt(2.0 / nn));
  EXPECT_NEAR(s3 / nn, 0.0, 5.0 * std::sqrt(15.0 / nn));
  EXPECT_NEAR(s4 / nn, 3.0, 5.0 * std::sqrt(96.0 / nn));
  EXPECT_NEAR(negative / nn, 0.5, 5.0 * 0.5 / std::sqrt(nn));
  // The tail beyond the ziggurat's base (drawn apart) and far out, as counts (binomial).
  const auto expect_count = [&](int got, double p) {
    const double mean = nn * p;
    EXPECT_NEAR(got, mean, 5.0 * std::sqrt(mean));
  };
  expect_count(beyond_r, 2.0 * normal_cdf(-outpace::sim::ZigguratNormal::kR));
  expect_count(beyond_45, 2.0 * normal_cdf(-4.5));
}

TEST(SimRandom, ZigguratLayersHaveEqualAreas) {
  // Each layer's rectangle, and the base strip with the tail, has the area kArea; the
  // acceptance bounds are the ratios of neighbouring layers' widths.
  const auto& z = outpace::sim::ZigguratNormal::tables();
  const double m = 4503599627370496.0;  // 2^52
  const double area = outpace::sim::ZigguratNormal::kArea, r = outpace::sim::ZigguratNormal::kR;
  EXPECT_NEAR(r * std::exp(-0.5 * r * r) + std::sqrt(M_PI / 2.0) * std::erfc(r / std::sqrt(2.0)), area, 1e-9 * area);
  EXPECT_NEAR(z.w[0] * m * z.f[255], area, 1e-12 * area);
  EXPECT_EQ(z.k[0], static_cast<std::uint64_t>(r / (z.w[0] * m) * m));
  EXPECT_DOUBLE_EQ(z.w[255] * m, r);
  EXPECT_EQ(z.f[0], 1.0);
  for (std::size_t i = 1; i < 256; ++i) {
    const double x = z.w[i] * m;
    EXPECT_NEAR(x * (z.f[i - 1] - z.f[i]), area, 1e-9 * area) << i;
    EXPECT_NEAR(z.f[i], std::exp(-0.5 * x * x), 1e-15) << i;
    if (i >= 2) {
      EXPECT_EQ(z.k[i], static_cast<std::uint64_t>(z.w[i - 1] / z.w[i] * m)) << i;
    }
  }
  EXPECT_EQ(z.k[1], 0u);  // the top layer: every draw takes the wedge test
}

TEST(SimRandom, NormalTailBeyondTheBase) {
  // Given |x| > r, P(|x| > y) = erfc(y / sqrt 2) / erfc(r / sqrt 2): about 31,000 tail
  // draws, enough that the tail's exponential proposal taken unthinned would fail.
  Xoshiro256ss rng(6);
  const double r = outpace::sim::ZigguratNormal::kR;
  const double tail = std::erfc(r / std::sqrt(2.0));
  std::vector<double> xs;
  for (int i = 0; i < 120000000; ++i) {
    const double x = std::fabs(rng.normal());
    if (x > r) xs.push_back(x);
  }
  const auto n = static_cast<double>(xs.size());
  EXPECT_NEAR(n, 120000000.0 * tail, 5.0 * std::sqrt(120000000.0 * tail));
  std::sort(xs.begin(), xs.end());
  double ks = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double cdf = 1.0 - std::erfc(xs[i] / std::sqrt(2.0)) / tail;
    ks = std::max({ks, std::fabs(cdf - static_cast<double>(i) / n), std::fabs(cdf - static_cast<double>(i + 1) / n)});
  }
  EXPECT_LT(ks, 2.5 / std::sqrt(n));
}

TEST(SimRandom, ExponentialIsExponential) {
  Xoshiro256ss rng(4);
  check_distribution([&] { return rng.exponential(); }, [](double x) { return 1.0 - std::exp(-x); }, 2000000);
}

TEST(SimRandom, SamplerDrawsTheScenarioDistributions) {
  using outpace::sim::Distribution;
  using outpace::sim::Sampler;
  Xoshiro256ss rng(5);
  // Lognormal with mean 150 s and sd 120 s (the reference talk time): its log is normal.
  Sampler talk(Distribution::lognormal(150.0, 120.0));
  const double s2 = std::log1p(120.0 * 120.0 / (150.0 * 150.0));
  const double mu = std::log(150.0) - 0.5 * s2, sigma = std::sqrt(s2);
  check_distribution([&] { return talk(rng); }, [&](double x) { return normal_cdf((std::log(x) - mu) / sigma); }, 2000000);
  constexpr int n = 2000000;
  double sum = 0, sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = talk(rng);
    sum += x;
    sq += x * x;
  }
  EXPECT_NEAR(sum / n, 150.0, 1.0);
  EXPECT_NEAR(std::sqrt(sq / n - (sum / n) * (sum / n)), 120.0, 2.0);
  Sampler inbound(Distribution::exponential(180.0));
  check_distribution([&] { return inbound(rng); }, [](double x) { return 1.0 - std::exp(-x / 180.0); }, 1000000);
  Sampler wrap(Distribution::gamma(30.0, 15.0));  // shape 4, scale 7.5
  sum = 0;
  sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = wrap(rng);
    sum += x;
    sq += x * x;
  }
  EXPECT_NEAR(sum / n, 30.0, 0.1);
  EXPECT_NEAR(std::sqrt(sq / n - (sum / n) * (sum / n)), 15.0, 0.1);
}

}  // namespace
