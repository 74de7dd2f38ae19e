// The abandon tracker's rates against a brute-force count over every event recorded
// here: the US 30-day window (kept incrementally by the tracker) and the UK day, over
// random event sequences spanning months, with gaps of days without events.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>

#include "outpace/compliance.hpp"
#include "outpace/settings.hpp"

namespace {

using outpace::AbandonTracker;
using outpace::ComplianceRegime;

constexpr double kDay = 86400.0;

enum class Kind { Live, Abandoned, Machine };
struct Event {
  std::int64_t day;
  Kind kind;
};

// The rates written out from the definitions, over everything recorded (per day, so a
// query sums at most 30 days, whatever the tracker keeps).
struct BruteForce {
  std::map<std::int64_t, std::array<std::int64_t, 3>> days;  // live, abandoned, machines
  void add(const Event& e) { ++days[e.day][static_cast<std::size_t>(e.kind)]; }
  std::int64_t count(std::int64_t first_day, std::int64_t last_day, Kind kind) const {
    std::int64_t n = 0;
    for (auto it = days.lower_bound(first_day); it != days.end() && it->first <= last_day; ++it) {
      n += it->second[static_cast<std::size_t>(kind)];
    }
    return n;
  }
  double us_window(std::int64_t today) const {
    const std::int64_t live = count(today - 29, today, Kind::Live);
    return live > 0 ? static_cast<double>(count(today - 29, today, Kind::Abandoned)) / static_cast<double>(live) : 0.0;
  }
  double uk_day(std::int64_t today) const {
    const std::int64_t live = count(today, today, Kind::Live), ab = count(today, today, Kind::Abandoned);
    const double handled = static_cast<double>(live - ab);
    const double machines = static_cast<double>(count(today, today, Kind::Machine));
    const double am = handled + machines > 0 ? machines / (handled + machines) : 0.0;
    const double drops = static_cast<double>(ab) * (1.0 - am);
    return handled + drops > 0 ? drops / (handled + drops) : 0.0;
  }
};

// Events on increasing times over about 150 days: busy days, quiet days, runs of days with
// none (so the tracker's 31 kept days reach back further than 31 calendar days), and now
// and then a query on a later day that has no event yet.
void run(ComplianceRegime regime, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  AbandonTracker tracker(regime);
  BruteForce truth;
  double now = 0.0;
  std::int64_t checked = 0;
  while (now < 150 * kDay) {
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    if (u < 0.0005) {
      now += kDay * std::uniform_int_distribution<int>(1, 9)(rng);  // days without events
    } else {
      now += std::exponential_distribution<double>(1.0 / 400.0)(rng);
    }
    const std::int64_t today = static_cast<std::int64_t>(std::floor(now / kDay));
    const double v = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    if (v < 0.55) {
      tracker.live_answer(now);
      truth.add({today, Kind::Live});
      if (v < 0.05) {  // abandoned: counted as a live answer too
        tracker.abandoned(now);
        truth.add({today, Kind::Abandoned});
      }
    } else if (v < 0.75) {
      tracker.machine(now);
      truth.add({today, Kind::Machine});
    }
    // Query now, and sometimes a few days ahead (the newest day has no events there).
    const double ahead = std::uniform_real_distribution<double>(0.0, 1.0)(rng) < 0.1
                             ? kDay * std::uniform_int_distribution<int>(1, 40)(rng)
                             : 0.0;
    const double at = now + ahead;
    const std::int64_t day_at = static_cast<std::int64_t>(std::floor(at / kDay));
    const double expected = regime == ComplianceRegime::US ? truth.us_window(day_at) : truth.uk_day(day_at);
    ASSERT_EQ(tracker.window_rate(at), expected) << "at " << at << " s, seed " << seed;
    ++checked;
  }
  EXPECT_GT(checked, 5000);
}

TEST(AbandonTracker, UsWindowMatchesBruteForce) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) run(ComplianceRegime::US, seed);
}

TEST(AbandonTracker, UkDayMatchesBruteForce) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) run(ComplianceRegime::UK, seed);
}

// Switching the regime keeps the counts: the US window is right after a UK spell.
TEST(AbandonTracker, RegimeSwitchKeepsWindow) {
  AbandonTracker tracker(ComplianceRegime::UK);
  BruteForce truth;
  for (int i = 0; i < 400; ++i) {
    const double now = i * 0.2 * kDay;
    const auto today = static_cast<std::int64_t>(std::floor(now / kDay));
    tracker.live_answer(now);
    truth.add({today, Kind::Live});
    if (i % 7 == 0) {
      tracker.abandoned(now);
      truth.add({today, Kind::Abandoned});
    }
    tracker.set_regime(i % 50 < 25 ? ComplianceRegime::UK : ComplianceRegime::US);
    if (i % 50 >= 25) {
      ASSERT_EQ(tracker.window_rate(now), truth.us_window(today));
    }
  }
}

}  // namespace
