// Resolved pacing settings of one campaign group: the dialing mode, the optimization
// goal and the pacing options. Plain data plus validate(); the configuration layer
// (outpace.config) resolves them from profile -> template -> group.
//
// Units: seconds for times, percent for rates and factors, calls per hour / per minute
// where named so.
#pragma once

#include <cstdint>

namespace outpace {

enum class DialingMode : std::uint8_t {
  Predictive = 0,
  PredictiveSeizing,
  Progressive,
  ProgressiveSeizing,
  PushPreview,
  PullPreview,
  PredictiveIvr,
  ProgressiveIvr,
  PowerIvr,
};

enum class OptimizationGoal : std::uint8_t {
  AbandonRate = 0,    // percent of live answers abandoned (goal_value in %)
  BusyFactor,         // percent of logged-in time agents are busy (goal_value in %)
  AgentWaitTime,      // mean agent wait between calls (goal_value in s)
  DistributionTime,   // mean wait of an answered call for an agent (goal_value in s; IVR)
};

enum class ComplianceRegime : std::uint8_t {
  US = 0,  // abandoned / live answers, campaign to date and each 30 days
  UK,      // per 24 h (calendar day), less an answering-machine false-positive estimate
};

const char* to_string(DialingMode mode);
const char* to_string(OptimizationGoal goal);
bool is_predictive(DialingMode mode);   // Predictive, Predictive with Seizing, Predictive IVR
bool is_seizing(DialingMode mode);      // the "Engage agents first" modes
bool is_preview(DialingMode mode);
bool is_ivr(DialingMode mode);

struct GroupSettings {
  DialingMode mode = DialingMode::Predictive;
  OptimizationGoal goal = OptimizationGoal::AbandonRate;
  double goal_value = 3.0;             // % or s, by goal
  double tau = 2.0;                    // s an answered call may wait for an agent
  double lines_per_agent = 1.0;        // progressive multiplier m, (0, 10]
  std::int32_t reserved_inbound_agents = 0;
  bool small_group_mode = false;
  std::int32_t small_group_threshold = 15;  // agents: below it, Small Group mode applies
  double ignore_calls_longer_than = 0.0;    // s; 0 = off
  double average_outbound_call = 0.0;       // s of talk, seeds the learned talk time; 0 = none
  double average_inbound_call = 0.0;        // s
  double inbound_calls_per_hour = 0.0;
  std::int32_t history_length = 100;        // live answers before predictive trusts its stats
  double switch_to_progressive_at = 0.0;    // % abandon; 0 = off
  double switch_back_at = 0.0;              // % abandon, below the upper threshold
  ComplianceRegime compliance = ComplianceRegime::US;
  std::int32_t ivr_ports = 0;               // Progressive IVR / Predictive IVR port limit
  double calls_per_minute = 0.0;            // Power IVR
  double seize_timeout = 45.0;              // s a reservation may wait for its call
  double max_lines_per_agent = 6.0;         // cap on calls in flight per available agent
  bool lifo = false;                        // LIFO mode (records inserted go on top)

  // Throws std::invalid_argument naming the field and the allowed range.
  void validate() const;
};

// The run-time rules of a running group: no switch from an automatic voice mode
// (Predictive, Progressive, with or without seizing) to a preview mode, no change of
// "Engage agents first" (seizing on or off), and no switch between automatic voice and
// IVR modes (that is the profile's IVR switch). Throws std::invalid_argument naming the
// change; the configuration layer adds the rule the core cannot see (the IVR switch of a
// group in a preview mode).
void check_running_change(const GroupSettings& from, const GroupSettings& to);

}  // namespace outpace
