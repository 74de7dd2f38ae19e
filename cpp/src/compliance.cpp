#include "outpace/compliance.hpp"

#include <cmath>

namespace outpace {

namespace {
constexpr double kDay = 86400.0;
std::int64_t day_index(double now) { return static_cast<std::int64_t>(std::floor(now / kDay)); }
}  // namespace

AbandonTracker::Day& AbandonTracker::day(double now) {
  const std::int64_t index = day_index(now);
  if (days_.empty() || days_.back().index != index) {
    days_.push_back(Day{index});
    while (days_.size() > 31) days_.pop_front();
  }
  return days_.back();
}

const AbandonTracker::Day* AbandonTracker::find(std::int64_t index) const {
  for (auto it = days_.rbegin(); it != days_.rend(); ++it) {
    if (it->index == index) return &*it;
  }
  return nullptr;
}

void AbandonTracker::live_answer(double now) {
  ++day(now).live;
  ++live_;
}

void AbandonTracker::abandoned(double now) {
  ++day(now).abandoned;
  ++abandoned_;
}

void AbandonTracker::machine(double now) { ++day(now).machines; }

double AbandonTracker::campaign_rate() const {
  return live_ > 0 ? static_cast<double>(abandoned_) / static_cast<double>(live_) : 0.0;
}

double AbandonTracker::day_rate(double now) const {
  const Day* d = find(day_index(now));
  return d && d->live > 0 ? static_cast<double>(d->abandoned) / static_cast<double>(d->live) : 0.0;
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
  std::int64_t live = 0, abandoned = 0;
  for (const Day& d : days_) {
    if (d.index > today - 30 && d.index <= today) {
      live += d.live;
      abandoned += d.abandoned;
    }
  }
  return live > 0 ? static_cast<double>(abandoned) / static_cast<double>(live) : 0.0;
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
