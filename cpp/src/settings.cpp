#include "outpace/settings.hpp"
#include "field_error.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>


namespace outpace {

const char* to_string(DialingMode m) {
  switch (m) {
    case DialingMode::Predictive: return "predictive";
    case DialingMode::PredictiveSeizing: return "predictive_seizing";
    case DialingMode::Progressive: return "progressive";
    case DialingMode::ProgressiveSeizing: return "progressive_seizing";
    case DialingMode::PushPreview: return "push_preview";
    case DialingMode::PullPreview: return "pull_preview";
    case DialingMode::PredictiveIvr: return "predictive_ivr";
    case DialingMode::ProgressiveIvr: return "progressive_ivr";
    case DialingMode::PowerIvr: return "power_ivr";
  }
  return "unknown";
}

const char* to_string(OptimizationGoal g) {
  switch (g) {
    case OptimizationGoal::AbandonRate: return "abandon_rate";
    case OptimizationGoal::BusyFactor: return "busy_factor";
    case OptimizationGoal::AgentWaitTime: return "agent_wait_time";
    case OptimizationGoal::DistributionTime: return "distribution_time";
  }
  return "unknown";
}

bool is_predictive(DialingMode m) {
  return m == DialingMode::Predictive || m == DialingMode::PredictiveSeizing ||
         m == DialingMode::PredictiveIvr;
}
bool is_seizing(DialingMode m) {
  return m == DialingMode::PredictiveSeizing || m == DialingMode::ProgressiveSeizing;
}
bool is_preview(DialingMode m) {
  return m == DialingMode::PushPreview || m == DialingMode::PullPreview;
}
bool is_ivr(DialingMode m) {
  return m == DialingMode::PredictiveIvr || m == DialingMode::ProgressiveIvr ||
         m == DialingMode::PowerIvr;
}

namespace {
[[noreturn]] void bad(const char* field, const char* range, double value) { detail::bad_field(field, range, value); }
void in_range(const char* field, double v, double lo, double hi, const char* range) {
  if (!(std::isfinite(v) && v >= lo && v <= hi)) bad(field, range, v);
}
}  // namespace

void GroupSettings::validate() const {
  if (static_cast<int>(mode) > static_cast<int>(DialingMode::PowerIvr)) {
    bad("mode", "a known dialing mode", static_cast<double>(mode));
  }
  switch (goal) {
    case OptimizationGoal::AbandonRate:
      in_range("goal_value", goal_value, 0.01, 100.0, "a percentage in [0.01, 100] for the abandon-rate goal");
      break;
    case OptimizationGoal::BusyFactor:
      in_range("goal_value", goal_value, 1.0, 100.0, "a percentage in [1, 100] for the busy-factor goal");
      break;
    case OptimizationGoal::AgentWaitTime:
    case OptimizationGoal::DistributionTime:
      in_range("goal_value", goal_value, 0.0, 3600.0, "seconds in [0, 3600] for a time goal");
      break;
    default:
      bad("goal", "a known optimization goal", static_cast<double>(goal));
  }
  if (goal == OptimizationGoal::DistributionTime && mode != DialingMode::PredictiveIvr) {
    throw std::invalid_argument("goal distribution_time is only for the predictive_ivr mode");
  }
  in_range("tau", tau, 0.0, 60.0, "seconds in [0, 60]");
  in_range("lines_per_agent", lines_per_agent, 0.01, 10.0, "in [0.01, 10]");
  in_range("reserved_inbound_agents", reserved_inbound_agents, 0, 100000, "in [0, 100000]");
  in_range("small_group_threshold", small_group_threshold, 1, 100000, "in [1, 100000]");
  in_range("ignore_calls_longer_than", ignore_calls_longer_than, 0.0, 86400.0, "seconds in [0, 86400] (0 = off)");
  if (ignore_calls_longer_than > 0.0 && ignore_calls_longer_than < 10.0) {
    bad("ignore_calls_longer_than", "0 (off) or at least 10 seconds", ignore_calls_longer_than);
  }
  in_range("average_outbound_call", average_outbound_call, 0.0, 86400.0, "seconds in [0, 86400] (0 = learn)");
  in_range("average_inbound_call", average_inbound_call, 0.0, 86400.0, "seconds in [0, 86400]");
  in_range("inbound_calls_per_hour", inbound_calls_per_hour, 0.0, 1e6, "in [0, 1000000]");
  in_range("history_length", history_length, 0, 1000000, "in [0, 1000000] live answers");
  in_range("switch_to_progressive_at", switch_to_progressive_at, 0.0, 100.0, "a percentage in [0, 100] (0 = off)");
  in_range("switch_back_at", switch_back_at, 0.0, 100.0, "a percentage in [0, 100]");
  if (switch_to_progressive_at > 0.0 && !(switch_back_at < switch_to_progressive_at)) {
    bad("switch_back_at", "below switch_to_progressive_at", switch_back_at);
  }
  in_range("ivr_ports", ivr_ports, 0, 1000000, "in [0, 1000000]");
  in_range("calls_per_minute", calls_per_minute, 0.0, 1e6, "in [0, 1000000]");
  if (mode == DialingMode::PowerIvr && !(calls_per_minute > 0.0)) {
    bad("calls_per_minute", "above 0 for the power_ivr mode", calls_per_minute);
  }
  if (mode == DialingMode::ProgressiveIvr && ivr_ports < 1) {
    bad("ivr_ports", "at least 1 for the progressive_ivr mode", ivr_ports);
  }
  in_range("seize_timeout", seize_timeout, 1.0, 3600.0, "seconds in [1, 3600]");
  in_range("max_lines_per_agent", max_lines_per_agent, 1.0, 50.0, "in [1, 50]");
}

namespace {
bool is_automatic_voice(DialingMode m) { return !is_preview(m) && !is_ivr(m); }

[[noreturn]] void refuse(const char* what, DialingMode from, DialingMode to) {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "mode: %s while the group runs (%s -> %s); stop the group, edit, and resume",
                what, to_string(from), to_string(to));
  throw std::invalid_argument(buf);
}
}  // namespace

void check_running_change(const GroupSettings& from, const GroupSettings& to) {
  if (is_seizing(from.mode) != is_seizing(to.mode)) {
    refuse("\"Engage agents first\" cannot change", from.mode, to.mode);
  }
  if (is_automatic_voice(from.mode) && is_preview(to.mode)) {
    refuse("an automatic mode cannot switch to a preview mode", from.mode, to.mode);
  }
  if ((is_automatic_voice(from.mode) && is_ivr(to.mode)) || (is_ivr(from.mode) && is_automatic_voice(to.mode))) {
    refuse("IVR modes cannot be switched on or off", from.mode, to.mode);
  }
}

}  // namespace outpace
