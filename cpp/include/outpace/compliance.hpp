// Abandon-rate accounting as regulators define it: abandoned / live answers (abandoned
// included), per campaign group, over the regulator's window — US: campaign to date and
// each 30 days; UK: per calendar day (24 h), less an answering-machine false-positive
// estimate (Ofcom, as VICIdial computes it). And the hysteresis switch that moves
// Predictive to Progressive at an upper rate and back at a lower one.
#pragma once

#include <cstdint>
#include <deque>

#include "outpace/settings.hpp"

namespace outpace {

class AbandonTracker {
 public:
  explicit AbandonTracker(ComplianceRegime regime = ComplianceRegime::US) : regime_(regime) {}

  void live_answer(double now);  // every live answer, abandoned or not
  void abandoned(double now);    // a live answer no agent took within tau
  void machine(double now);      // an answering machine

  double campaign_rate() const;            // campaign to date, 0..1
  double window_rate(double now) const;    // the regime's window: 30 days (US), today (UK)
  double day_rate(double now) const;       // the calendar day of `now`, US definition
  std::int64_t live_answers() const { return live_; }
  std::int64_t abandons() const { return abandoned_; }
  void set_regime(ComplianceRegime r) { regime_ = r; }

 private:
  struct Day {
    std::int64_t index;
    std::int64_t live = 0, abandoned = 0, machines = 0;
  };
  Day& day(double now);
  void start_day(std::int64_t index);  // once a day: kept off the path of each event
  const Day* find(std::int64_t index) const;

  ComplianceRegime regime_;
  std::deque<Day> days_;  // the last 31 days with events, oldest first
  std::int64_t live_ = 0, abandoned_ = 0;
  // The US window ending on the newest day, kept as events arrive: the pacer asks for the
  // rate on every live answer, and a scan of 31 days each time showed in profiles. Counts,
  // so the rate is the same division a scan would do.
  std::int64_t window_live_ = 0, window_abandoned_ = 0;
};

// Predictive -> Progressive at `up` percent, back at `down`, never before `history`
// live answers. Between the thresholds it keeps what it was: no flapping.
class AbandonSwitch {
 public:
  // Returns true while the group should run Progressive instead of Predictive.
  bool update(double rate_percent, std::int64_t live_answers, double up, double down,
              std::int64_t history);
  bool switched() const { return switched_; }
  std::int64_t switches() const { return switches_; }

 private:
  bool switched_ = false;
  std::int64_t switches_ = 0;
};

}  // namespace outpace
