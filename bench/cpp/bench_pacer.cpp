// Cost of one predictive decision (100 agents) and of a Dialer tick over 10,000 groups of
// 50 agents. Run: build with -DOUTPACE_BUILD_BENCHMARKS=ON, then
//   ./bench_pacer --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <functional>
#include <memory>
#include <queue>
#include <random>
#include <vector>

#include "outpace/dialer.hpp"
#include "outpace/pacer.hpp"

namespace {

using namespace outpace;

// A 100-agent group's state: 80 talking, 15 wrapping up, 5 ready, 30 calls ringing.
struct State {
  std::vector<double> talk, wrap, ring;
  PacerState pacer;
  explicit State(unsigned seed, int talking = 80, int wrapping = 15, int ringing = 30, int ready = 5) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> t(0, 400), w(0, 40), r(0, 25);
    for (int i = 0; i < talking; ++i) talk.push_back(t(rng));
    for (int i = 0; i < wrapping; ++i) wrap.push_back(w(rng));
    for (int i = 0; i < ringing; ++i) ring.push_back(r(rng));
    pacer.ready = ready;
    pacer.talk_elapsed = talk.data();
    pacer.talking = talk.size();
    pacer.wrap_elapsed = wrap.data();
    pacer.wrapping = wrap.size();
    pacer.ring_elapsed = ring.data();
    pacer.ringing = ring.size();
    pacer.max_new_calls = 300;
    pacer.theta = 0.025;
  }
};

void BM_PredictiveDecision100Agents(benchmark::State& st) {
  GroupSettings settings;
  GroupStats stats(settings);
  PredictiveModel model;
  model.refresh(stats, settings.tau);
  State s(1);
  std::int64_t calls = 0;
  for (auto _ : st) {
    const Decision d = model.decide(s.pacer);
    calls += d.calls;
    benchmark::DoNotOptimize(d);
  }
  st.counters["calls_per_decision"] = static_cast<double>(calls) / static_cast<double>(st.iterations());
  st.counters["evals"] = static_cast<double>(model.evaluations_) / static_cast<double>(st.iterations());
}
BENCHMARK(BM_PredictiveDecision100Agents);

void BM_ExactDecision10Agents(benchmark::State& st) {
  GroupSettings settings;
  GroupStats stats(settings);
  PredictiveModel model;
  model.refresh(stats, settings.tau);
  State s(2, 7, 2, 4, 1);
  for (auto _ : st) benchmark::DoNotOptimize(model.decide(s.pacer));
}
BENCHMARK(BM_ExactDecision10Agents);

// 10,000 groups of 50 agents on the reference campaign. Between ticks (outside the timed
// region) a small event loop plays the network and the agents: each dial ends after its
// outcome time (30% live answers, 15% machines, the rest failures), talks last about
// 150 s and wrap-ups 30 s. After a warm-up the groups are in their steady state and each
// timed iteration is one Dialer tick of every group.
struct Harness {
  struct Ev {
    double t;
    int group;
    int kind;  // 0 outcome live, 1 machine, 2 failure, 3 talk end, 4 wrap end
    std::int64_t id, agent;
    bool operator>(const Ev& o) const { return t > o.t; }
  };
  Dialer dialer;
  std::priority_queue<Ev, std::vector<Ev>, std::greater<Ev>> events;
  std::mt19937_64 rng{7};
  std::lognormal_distribution<double> answer{std::log(12.0) - 0.11, 0.47}, talk{std::log(150.0) - 0.25, 0.7},
      wrap{std::log(30.0) - 0.11, 0.47};
  std::uniform_real_distribution<double> u{0.0, 1.0};
  std::vector<Action> scratch;

  void follow(int group, const Action& a, double now) {
    if (a.kind == ActionKind::Dial) {
      const double r = u(rng);
      if (r < 0.30) events.push({now + answer(rng), group, 0, a.call_id, -1});
      else if (r < 0.45) events.push({now + answer(rng), group, 1, a.call_id, -1});
      else events.push({now + (r < 0.55 ? 5.0 : 25.0), group, 2, a.call_id, -1});
    } else if (a.kind == ActionKind::Bridge) {
      events.push({now + talk(rng), group, 3, a.call_id, a.agent_id});
    }
  }
  void run_until(double now) {
    while (!events.empty() && events.top().t <= now) {
      const Ev e = events.top();
      events.pop();
      CampaignGroup& g = *dialer.group(static_cast<std::size_t>(e.group));
      scratch.clear();
      switch (e.kind) {
        case 0: g.call_answered(e.id, e.t, true, scratch); break;
        case 1: g.call_answered(e.id, e.t, false, scratch); break;
        case 2: g.call_failed(e.id, e.t, CallResult::NoAnswer, scratch); break;
        case 3:
          g.call_ended(e.id, e.t, scratch);
          events.push({e.t + wrap(rng), e.group, 4, -1, e.agent});
          break;
        case 4: g.agent_ready(e.agent, e.t, scratch); break;
      }
      for (const Action& a : scratch) follow(e.group, a, e.t);
    }
  }
  void tick(double now, std::vector<GroupAction>& acts) {
    acts.clear();
    dialer.tick(now, acts);
  }
  void apply(double now, const std::vector<GroupAction>& acts) {
    for (const GroupAction& ga : acts) follow(static_cast<int>(ga.group), ga.action, now);
  }
};

void BM_DialerTick(benchmark::State& st) {
  const int groups = static_cast<int>(st.range(0));
  Harness h;
  GroupSettings settings;
  for (int g = 0; g < groups; ++g) {
    auto group = std::make_shared<CampaignGroup>(settings);
    group->set_endless_records(true);
    std::vector<Action> out;
    for (int a = 0; a < 50; ++a) group->agent_ready(a, 0.0, out);
    h.dialer.add(group);
  }
  std::vector<GroupAction> acts;
  double now = 0.0;
  for (int warm = 0; warm < 900; ++warm) {  // 15 simulated minutes: past the warm-up
    now += 1.0;
    h.run_until(now);
    h.tick(now, acts);
    h.apply(now, acts);
  }
  std::size_t dials = 0;
  for (auto _ : st) {
    st.PauseTiming();
    now += 1.0;
    h.run_until(now);
    st.ResumeTiming();
    h.tick(now, acts);
    st.PauseTiming();
    dials += acts.size();
    h.apply(now, acts);
    st.ResumeTiming();
  }
  st.counters["actions_per_tick"] = static_cast<double>(dials) / static_cast<double>(st.iterations());
}
BENCHMARK(BM_DialerTick)->Arg(10000)->Arg(500)->Unit(benchmark::kMillisecond)->Iterations(30);

}  // namespace
