// The queueing math without Python: reference values, limits and input validation.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "outpace/erlang.hpp"

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void expect_rel(double got, double want, double rel = 1e-10) {
  EXPECT_LE(std::fabs(got - want), rel * std::fabs(want)) << "got " << got << " want " << want;
}

TEST(ErlangB, ReferenceValues) {
  // shared/validation/queueing.csv (mpmath, 50 digits).
  expect_rel(outpace::erlang_b(10, 5.0), 0.018384570336648133);
  expect_rel(outpace::erlang_b(100, 90.0), 0.026957380464359215);
  expect_rel(outpace::erlang_b(10000, 10000.0), 0.0079365632488056719);
}

TEST(ErlangB, LogFormFiniteWhereValueUnderflows) {
  const double log_inv = outpace::log_inverse_erlang_b(100000, 10.0);
  EXPECT_TRUE(std::isfinite(log_inv));
  EXPECT_GT(log_inv, 700.0);
  EXPECT_EQ(outpace::erlang_b(100000, 10.0), 0.0);
}

TEST(ErlangC, ReferenceAndUnstable) {
  const auto c = outpace::erlang_c(14, 10.0);
  expect_rel(c.p_wait, 0.17413193359504984);
  expect_rel(c.mean_wait, 0.043532983398762461);
  const auto over = outpace::erlang_c(10, 10.0);
  EXPECT_EQ(over.p_wait, 1.0);
  EXPECT_EQ(over.mean_wait, kInf);
}

TEST(ErlangA, ReferenceValues) {
  const auto q = outpace::erlang_a(2600, 700.0, 0.25, 0.5);  // heavy traffic
  expect_rel(q.p_wait, 0.99651674337685561);
  expect_rel(q.p_abandon, 0.071444187165966671);
}

TEST(ErlangD, TauZeroIsErlangBAndTauInfinityIsErlangC) {
  expect_rel(outpace::erlang_d(10, 7.2 / 180, 1.0 / 180, 0.0).p_abandon, 0.0868713141779589, 1e-12);
  const auto c = outpace::erlang_c(20, 15.0);
  expect_rel(outpace::erlang_d(20, 15.0, 1.0, kInf).p_wait, c.p_wait, 1e-15);
}

TEST(Inverse, StaticCapacityAt3PercentAbandon) {
  // shared/validation/pacing.md: 100 agents, AHT 180 s, tau 2 s -> 91.767 Erlangs.
  const double lam = outpace::max_arrival_rate(100, 1.0 / 180, 2.0, 0.03);
  EXPECT_NEAR(lam * 180, 91.767, 0.0015);
  EXPECT_EQ(outpace::agents_for_abandon(lam * 0.999, 1.0 / 180, 2.0, 0.03), 100);
}

TEST(Validation, BadInputThrowsNamingTheArgument) {
  const auto message = [](auto fn) -> std::string {
    try {
      fn();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  EXPECT_NE(message([] { outpace::erlang_b(0, 1.0); }).find("servers"), std::string::npos);
  EXPECT_NE(message([] { outpace::erlang_b(3, -1.0); }).find("traffic"), std::string::npos);
  EXPECT_NE(message([] { outpace::erlang_b(3, kNaN); }).find("traffic"), std::string::npos);
  EXPECT_NE(message([] { outpace::erlang_a(3, 1.0, 0.0, 1.0); }).find("service_rate"), std::string::npos);
  EXPECT_NE(message([] { outpace::erlang_d(3, 1.0, 1.0, -2.0); }).find("tau"), std::string::npos);
  EXPECT_NE(message([] { outpace::max_arrival_rate(3, 1.0, 2.0, 1.5); }).find("target"), std::string::npos);
  const std::int64_t n[3] = {5, 5, 5};
  const double a[3] = {1.0, 2.0, -3.0};
  double out[3];
  EXPECT_NE(message([&] { outpace::erlang_b(n, a, out, 3); }).find("traffic[2]"), std::string::npos);
}

TEST(ErlangA, ArrayLanesAgreeWithTheScalarPath) {
  // The array form runs small groups eight lanes at a time on vectors (AVX2 and FMA where
  // the processor has them): it must agree with the scalar path to rounding, including
  // blocks that mix lanes for the general path (large n, zero traffic).
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<std::int64_t> servers(1, 60);
  std::uniform_real_distribution<double> load(0.05, 1.3), rate(0.2, 3.0);
  const std::size_t count = 4003;  // not a multiple of the lane count
  std::vector<std::int64_t> n(count);
  std::vector<double> lam(count), mu(count), theta(count);
  for (std::size_t i = 0; i < count; ++i) {
    n[i] = i % 97 == 0 ? 5000 : servers(rng);
    mu[i] = rate(rng);
    theta[i] = rate(rng);
    lam[i] = i % 89 == 0 ? 0.0 : load(rng) * static_cast<double>(n[i]) * mu[i];
  }
  std::vector<outpace::QueueMetrics> out(count);
  outpace::erlang_a(n.data(), lam.data(), mu.data(), theta.data(), out.data(), count);
  for (std::size_t i = 0; i < count; ++i) {
    const outpace::QueueMetrics want = outpace::erlang_a(n[i], lam[i], mu[i], theta[i]);
    const auto close = [](double got, double expected) {
      return std::fabs(got - expected) <= 1e-12 * std::fabs(expected) + 1e-300;
    };
    ASSERT_TRUE(close(out[i].p_wait, want.p_wait) && close(out[i].p_abandon, want.p_abandon) &&
                close(out[i].mean_wait, want.mean_wait) && close(out[i].occupancy, want.occupancy))
        << "element " << i << ": n=" << n[i] << " p_wait " << out[i].p_wait << " vs " << want.p_wait;
  }
}

}  // namespace
