// Threading::SingleThread only drops the lock and the compare-and-swap: a group driven by
// one thread makes the same decisions either way, and its agent pool refuses the same
// transitions.
#include <gtest/gtest.h>

#include <cmath>
#include <queue>
#include <random>
#include <tuple>
#include <vector>

#include "outpace/group.hpp"
#include "outpace/seize.hpp"

namespace {

using namespace outpace;

TEST(AgentPoolSingleThread, RefusesWhatTheSharedPoolRefuses) {
  AgentPool shared, single(true);
  constexpr std::size_t kAgents = 6;
  for (std::size_t i = 0; i < kAgents; ++i) {
    shared.add();
    single.add();
  }
  std::mt19937 rng(11);
  const AgentState states[] = {AgentState::NotReady, AgentState::Ready, AgentState::Reserved, AgentState::Talking,
                               AgentState::WrapUp};
  int moves = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::size_t slot = rng() % kAgents;
    const AgentState from = states[rng() % 5], to = states[rng() % 5];
    const std::int64_t from_call = static_cast<std::int64_t>(rng() % 3) - 1, to_call = static_cast<std::int64_t>(rng() % 3) - 1;
    if (rng() % 10 == 0) {
      const AgentSnapshot a = shared.set(slot, to, to_call), b = single.set(slot, to, to_call);
      ASSERT_EQ(a.state, b.state);
      ASSERT_EQ(a.call, b.call);
      continue;
    }
    const bool a = shared.transition(slot, from, from_call, to, to_call);
    ASSERT_EQ(a, single.transition(slot, from, from_call, to, to_call)) << i;
    moves += a;
    ASSERT_EQ(shared.get(slot).state, single.get(slot).state);
    ASSERT_EQ(shared.get(slot).call, single.get(slot).call);
  }
  EXPECT_GT(moves, 100);
}

// A day of a small campaign (seizing, so the pool is exercised) with outcomes, talks and
// wrap-ups drawn from a seed; the actions and the metrics the group reports.
struct Trace {
  std::vector<std::tuple<int, std::int64_t, std::int64_t, std::int64_t>> actions;
  GroupMetrics metrics;
};

Trace run(DialingMode mode, Threading threading) {
  GroupSettings s;
  s.mode = mode;
  CampaignGroup g(s, threading);
  g.set_endless_records(true);
  struct Ev {
    double t;
    int kind;  // 0 live answer, 1 failure, 2 talk end, 3 wrap end
    std::int64_t id;
    bool operator>(const Ev& o) const { return std::tie(t, kind, id) > std::tie(o.t, o.kind, o.id); }
  };
  std::priority_queue<Ev, std::vector<Ev>, std::greater<Ev>> events;
  std::mt19937_64 rng(5);
  std::exponential_distribution<double> answer(1.0 / 12.0), talk(1.0 / 120.0), wrap(1.0 / 20.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Trace trace;
  std::vector<Action> out;
  const auto follow = [&](double now) {
    for (const Action& a : out) {
      trace.actions.emplace_back(static_cast<int>(a.kind), a.call_id, a.record_id, a.agent_id);
      if (a.kind == ActionKind::Dial) events.push({now + answer(rng), u(rng) < 0.3 ? 0 : 1, a.call_id});
      if (a.kind == ActionKind::Bridge) events.push({now + talk(rng), 2, a.call_id});
    }
    out.clear();
  };
  for (int a = 0; a < 12; ++a) g.agent_ready(a, 0.0, out);
  follow(0.0);
  for (int second = 1; second <= 4 * 3600; ++second) {
    const auto now = static_cast<double>(second);
    while (!events.empty() && events.top().t <= now) {
      const Ev e = events.top();
      events.pop();
      switch (e.kind) {
        case 0: g.call_answered(e.id, e.t, true, out); break;
        case 1: g.call_failed(e.id, e.t, CallResult::NoAnswer, out); break;
        case 2:
          g.call_ended(e.id, e.t, out);
          // The agent talking on this call is the one the trace bridged it to.
          for (auto it = trace.actions.rbegin(); it != trace.actions.rend(); ++it) {
            if (std::get<0>(*it) == static_cast<int>(ActionKind::Bridge) && std::get<1>(*it) == e.id) {
              events.push({e.t + wrap(rng), 3, std::get<3>(*it)});
              break;
            }
          }
          break;
        case 3: g.agent_ready(e.id, e.t, out); break;
      }
      follow(e.t);
    }
    g.tick(now, out);
    follow(now);
  }
  trace.metrics = g.metrics();
  return trace;
}

TEST(GroupSingleThread, SameDecisionsAsAShared) {
  for (const DialingMode mode : {DialingMode::PredictiveSeizing, DialingMode::ProgressiveSeizing, DialingMode::Predictive}) {
    const Trace shared = run(mode, Threading::Shared), single = run(mode, Threading::SingleThread);
    ASSERT_GT(shared.metrics.connects, 100) << static_cast<int>(mode);
    EXPECT_EQ(shared.actions, single.actions) << static_cast<int>(mode);
    EXPECT_EQ(shared.metrics.dials, single.metrics.dials);
    EXPECT_EQ(shared.metrics.abandoned, single.metrics.abandoned);
    EXPECT_EQ(shared.metrics.busy_factor, single.metrics.busy_factor);
  }
}

}  // namespace
