#include "outpace/compliance.hpp"

#include <cmath>

namespace outpace {

namespace {
constexpr double kDay = 86400.0;
constexpr std::int64_t kWindowDays = 30;  // US: the rate over each 30 days
std::int64_t day_index(double now) { return static_cast<std::int64_t>(std::floor(now / kDay)); }
double ratio(std::int64_t abandoned, std::int64_t live) {
  return live > 0 ? static_cast<double>(abandoned) / static_cast<double>(live) : 0.0;
}
}  // namespace

AbandonTracker::Day& AbandonTracker::day(double now) {
  const std::int64_t index = day_index(now);
  if (days_.empty() || days_.back().index != index) start_day(index);
  return days_.back();
}

void AbandonTracker::start_day(std::int64_t index) {
  days_.push_back(Day{index});
  while (days_.size() > 31) days_.pop_front();
  // A new newest day moves the window: sum it afresh (once a day), then keep it.
  window_live_ = window_abandoned_ = 0;
  for (const Day& d : days_) {
    if (d.index > index - kWindowDays && d.index <= index) {
      window_live_ += d.live;
      window_abandoned_ += d.abandoned;
    }
  }
}

const AbandonTracker::Day* AbandonTracker::find(std::int64_t index) const {
  for (auto it = days_.rbegin(); it != days_.rend(); ++it) {
    if (it->index == index) return &*it;
  }
  return nullptr;
}

// The newest day is always in its own window.
void AbandonTracker::live_answer(double now) {
  ++day(now).live;
  ++live_;
  ++window_live_;
}

void AbandonTracker::abandoned(double now) {
  ++day(now).abandoned;
  ++abandoned_;
  ++window_abandoned_;
}

void AbandonTracker::machine(double now) { ++day(now).machines; }

double AbandonTracker::campaign_rate() const { return ratio(abandoned_, live_); }

double AbandonTracker::day_rate(double now) const {
  const Day* d = find(day_index(now));
  return d ? ratio(d->abandoned, d->live) : 0.0;
}

double AbandonTracker::window_rate(double now) const {
  const std::int64_t today = day_index(now);
  if (regime_ == ComplianceRegime::UK) {
    const Day* d = find(today);
    if (!d) return 0.0;
    // Ofcom: drops less the share an answering machine would explain:
    // am = machines / (agent-handled + machines); drops' = drops (1 - am).
    const double handled = static_cast<double>(d->live - d->abandoned);
    const double machines = static_cast<double>(d->machines);
    const double am = handled + machines > 0 ? machines / (handled + machines) : 0.0;
    const double drops = static_cast<double>(d->abandoned) * (1.0 - am);
    return handled + drops > 0 ? drops / (handled + drops) : 0.0;
  }
  // The kept window is the newest day's; any other day (one without events yet) is summed.
  if (!days_.empty() && days_.back().index == today) return ratio(window_abandoned_, window_live_);
  std::int64_t live = 0, abandoned = 0;
  for (const Day& d : days_) {
    if (d.index > today - kWindowDays && d.index <= today) {
      live += d.live;
      abandoned += d.abandoned;
    }
  }
  return ratio(abandoned, live);
}

bool AbandonSwitch::update(double rate_percent, std::int64_t live_answers, double up, double down,
                           std::int64_t history) {
  if (up <= 0.0) {
    switched_ = false;
    return false;
  }
  if (!switched_ && live_answers >= history && rate_percent >= up) {
    switched_ = true;
    ++switches_;
  } else if (switched_ && rate_percent <= down) {
    switched_ = false;
    ++switches_;
  }
  return switched_;
}

}  // namespace outpace
