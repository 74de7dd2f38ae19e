// Erlang-style queueing math: Erlang B, Erlang C, Erlang A (M/M/n+M) and M/M/n+D
// (the 2-second rule), with the inverse staffing questions. Pure functions of their
// arguments; every function validates its input and throws std::invalid_argument with a
// message naming the argument (and the array index) rather than returning garbage.
//
// Units: rates are per the same time unit (per second for pacing); `traffic` is the
// offered load in Erlangs (arrival rate / service rate); tau is in that time unit.
#pragma once

#include <cstddef>
#include <cstdint>

namespace outpace {

// The largest number of servers accepted; the series used for large groups cost
// O(sqrt(servers)) steps, so this bounds the work of one evaluation.
inline constexpr std::int64_t kMaxServers = 1'000'000'000;

// Derived measures of one queue.
struct QueueMetrics {
  double p_wait;     // probability that an arriving call is not served at once
  double p_abandon;  // probability that it leaves (abandons, or is dropped) unserved
  double mean_wait;  // mean time in queue of an arriving call, in the rate's time unit
  double occupancy;  // fraction of server time spent serving
};

// Erlang C results, also carrying the service level at the asked answer time.
struct ErlangCMetrics {
  double p_wait;         // probability of waiting at all (1 when traffic >= servers)
  double mean_wait;      // mean wait, in units of service_time (infinite when unstable)
  double service_level;  // P(wait <= answer_within)
  double occupancy;      // traffic / servers, capped at 1
};

// Erlang B blocking probability of an M/M/n/n loss system.
double erlang_b(std::int64_t servers, double traffic);

// log(1 / ErlangB(servers, traffic)): finite where ErlangB itself underflows.
double log_inverse_erlang_b(std::int64_t servers, double traffic);

// Erlang C (M/M/n, infinite patience). mean_wait is in units of service_time;
// answer_within is the service-level threshold in the same unit.
ErlangCMetrics erlang_c(std::int64_t servers, double traffic, double service_time = 1.0,
                        double answer_within = 0.0);

// Erlang A (M/M/n+M): exponential patience with rate patience_rate (0 = infinite patience).
QueueMetrics erlang_a(std::int64_t servers, double arrival_rate, double service_rate,
                      double patience_rate);

// M/M/n+D: an arriving (answered) call abandons when no server takes it within tau.
// tau = 0 is Erlang B; tau = infinity is Erlang C.
QueueMetrics erlang_d(std::int64_t servers, double arrival_rate, double service_rate,
                      double tau);

// Fewest servers for which Erlang C's service level P(wait <= answer_within) >= target.
std::int64_t agents_for_service_level(double traffic, double target, double answer_within,
                                      double service_time = 1.0);

// Fewest servers for which the M/M/n+D abandon probability is <= target.
std::int64_t agents_for_abandon(double arrival_rate, double service_rate, double tau,
                                double target);

// Largest arrival rate for which M/M/n+D keeps the abandon probability <= target.
double max_arrival_rate(std::int64_t servers, double service_rate, double tau, double target);

// Array forms: element i of each input gives element i of each output. Inputs are
// validated element by element; an invalid one throws naming "argument[i]".
void erlang_b(const std::int64_t* servers, const double* traffic, double* out, std::size_t count);
void erlang_c(const std::int64_t* servers, const double* traffic, const double* service_time,
              const double* answer_within, ErlangCMetrics* out, std::size_t count);
void erlang_a(const std::int64_t* servers, const double* arrival_rate,
              const double* service_rate, const double* patience_rate, QueueMetrics* out,
              std::size_t count);
void erlang_d(const std::int64_t* servers, const double* arrival_rate,
              const double* service_rate, const double* tau, QueueMetrics* out,
              std::size_t count);

}  // namespace outpace
