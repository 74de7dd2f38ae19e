// How many calls to place now. Progressive is a closed formula; Predictive predicts,
// for a few horizons r, the live answers A(r) of calls in flight (each from how long it
// has rung), the answers B_x(r) of x new calls and the busy agents V(r + tau) that will
// be free (each from how long it has been talking or wrapping up), and places the most
// calls x for which the expected unmatched answers E[(A + B_x - V - free)+] stay under
// theta times the expected answers at every horizon. Exact Poisson-binomial sums for
// small groups, a normal approximation for large ones.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "outpace/hot_memory.hpp"
#include "outpace/stats.hpp"

namespace outpace {

// Genesys' documented progressive rule: floor(m (ready - queued - ceil(dialing / m))),
// never negative. ready excludes agents reserved for inbound calls.
std::int64_t progressive_calls(double lines_per_agent, std::int64_t ready, std::int64_t queued,
                               std::int64_t dialing);

// The exact one-horizon rule behind the predictive decision: the largest x <= max_calls
// with E[(A + B_x - V - free_now)+] <= theta E[A + B_x], where A is the number of calls in
// flight that are answered (Bernoulli each, `answer`), B_x ~ Binomial(x, new_call) the
// answers of x new calls, and V the busy agents that come free (Bernoulli each, `free`).
// `demand_mean` adds a Poisson demand for agents (inbound calls) served first: only the
// shortfall the answers add to the one it causes alone counts.
// risks[x] = E[(..)+] / E[A + B_x] for x = 0 .. calls + 1 (while x <= max_calls).
// calls is -1 when even x = 0 breaks the rule.
struct SafeCalls {
  std::int64_t calls = -1;
  std::vector<double> risks;
};
SafeCalls largest_safe_calls(const double* answer, std::size_t n_answer, const double* free,
                             std::size_t n_free, double new_call, double free_now, double theta,
                             std::int64_t max_calls, double demand_mean = 0.0);

// What the group is doing now, as the predictive model needs it.
struct PacerState {
  std::int64_t ready = 0;             // agents free for an outbound call now
  std::int64_t held = 0;              // answered live calls waiting for an agent
  const double* talk_elapsed = nullptr;  // s each talking agent has talked
  std::size_t talking = 0;
  const double* wrap_elapsed = nullptr;  // s each agent in wrap-up has wrapped up
  std::size_t wrapping = 0;
  const double* ring_elapsed = nullptr;  // s each call in flight has been dialing
  std::size_t ringing = 0;
  std::int64_t max_new_calls = 0;     // cap: lines, records
  double theta = 0.03;                // allowed share of answers left without an agent
  double inbound_per_second = 0.0;    // inbound arrivals that take agents first
  double answer_share = 1.0;          // share of live answers that need an agent (IVR)
};

// Why the decision is what it is: the figures behind "place 4 calls now".
struct Decision {
  std::int64_t calls = 0;
  double expected_answers = 0.0;       // live answers within the binding horizon, with the new calls
  double expected_free_agents = 0.0;   // ready now plus busy agents expected free by then
  double abandon_risk = 0.0;           // expected unmatched answers / expected answers
  double horizon = 0.0;                // s, the binding horizon
  bool exact = false;                  // Poisson-binomial sums (true) or normal approximation
};

class PredictiveModel {
 public:
  static constexpr int kHorizons = 3;

  // Rebuild the probability tables if the learned statistics changed since last time.
  void refresh(const GroupStats& stats, double tau);
  Decision decide(const PacerState& state) const;

  // P(free within horizon k | elapsed), for seizing: which busy agent to reserve.
  double free_probability(bool in_wrap, double elapsed, int k) const {
    const std::vector<double>& t = in_wrap ? wrap_free_[k] : talk_free_[k];
    if (t.empty()) return 0.0;
    if (!in_wrap && ignore_longer_than_ > 0.0 && elapsed > ignore_longer_than_) return 0.0;
    const auto i = static_cast<std::size_t>(elapsed > 0.0 ? elapsed : 0.0);
    return stay_ * t[i < t.size() ? i : t.size() - 1];
  }
  // The table row an item reads: a busy agent's by whole seconds (longer ones share the
  // last row), a call in flight's by kRingStep (-1 past the table: answer probability 0).
  static std::size_t last_row(const HotVector<float>& table) { return table.size() / kHorizons - 1; }
  static std::size_t busy_row(std::size_t last, double elapsed) {
    const auto row = static_cast<std::size_t>(elapsed > 0.0 ? elapsed : 0.0);
    return row < last ? row : last;
  }
  std::int64_t ring_row(double elapsed) const {
    const auto row = static_cast<std::size_t>((elapsed > 0.0 ? elapsed : 0.0) * (1.0 / kRingStep));
    return row < ring_rows_.size() / kHorizons ? static_cast<std::int64_t>(row) : -1;
  }
  // Cache hints for a look-ahead (Dialer::tick): the table rows decide() will read for a
  // busy agent or a call in flight with this elapsed time.
  void prefetch_busy(double elapsed, bool in_wrap) const {
    const HotVector<float>& t = in_wrap ? wrap_rows_ : talk_rows_;
    if (!t.empty()) __builtin_prefetch(&t[busy_row(last_row(t), elapsed) * kHorizons]);
  }
  void prefetch_ring(double elapsed) const {
    const std::int64_t row = ring_row(elapsed);
    if (row >= 0) __builtin_prefetch(&ring_rows_[static_cast<std::size_t>(row) * kHorizons]);
  }
  double answer_probability_new(int k) const { return new_call_[k]; }
  double horizon(int k) const { return horizon_[k]; }
  // The tables, row by row ([elapsed][horizon]), for analysis and reference implementations.
  const HotVector<float>& talk_rows() const { return talk_rows_; }
  const HotVector<float>& wrap_rows() const { return wrap_rows_; }
  const HotVector<float>& ring_rows() const { return ring_rows_; }
  double ring_step() const { return kRingStep; }
  double stay() const { return stay_; }
  double ignore_longer_than() const { return ignore_longer_than_; }
  double tau() const { return tau_; }

 private:
  Decision decide_exact(const PacerState& s) const;
  Decision decide_normal(const PacerState& s) const;
  double ring_probability(double elapsed, int k) const {
    const std::int64_t row = ring_row(elapsed);
    return row >= 0 ? ring_rows_[static_cast<std::size_t>(row) * kHorizons + static_cast<std::size_t>(k)] : 0.0;
  }

  std::array<double, kHorizons> horizon_{};   // s after now
  std::array<double, kHorizons> new_call_{};  // P(live answer within horizon) of a new call
  // Per horizon, indexed by elapsed seconds (talk, wrap) or half-seconds (ring).
  std::array<std::vector<double>, kHorizons> talk_free_, wrap_free_;
  // The same tables row by row ([elapsed][horizon]) for the hot loop of decide_normal, and
  // the calls in flight's P(live answer within horizon | no outcome after e) per half-second.
  // (hot memory: a Dialer tick reads a few rows of each group's tables).
  HotVector<float> talk_rows_, wrap_rows_, ring_rows_;
  static void interleave(const std::array<std::vector<double>, kHorizons>& by_horizon,
                         HotVector<float>& out);
  // Calls in flight, per half-second of ringing, the shapes that do not depend on the hit
  // ratio, so that a new hit ratio only recombines them into ring_rows_: F_L(e + r_k) -
  // F_L(e) for each horizon, then 1 - F_L(e) and 1 - F_O(e) (live answer, other outcome).
  static constexpr int kLiveSurvive = kHorizons, kOtherSurvive = kHorizons + 1;
  static constexpr std::size_t kRingWidth = kHorizons + 2;
  std::vector<double> ring_shapes_;
  static constexpr double kRingStep = 0.5;  // s per ring row (a power of two: exact products)
  mutable int last_binding_ = 2;  // the horizon that limited the last decision
 public:
  mutable std::int64_t evaluations_ = 0;  // of the normal rule, for benchmarks
 private:
  double tau_ = -1.0;
  double ignore_longer_than_ = 0.0;
  double stay_ = 1.0;  // share of agents who come back after wrap-up
  double hit_ = -1.0;
  std::uint64_t versions_[4] = {0, 0, 0, 0};
};

}  // namespace outpace
