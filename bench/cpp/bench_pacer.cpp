// Cost of one predictive decision (100 agents) and of a Dialer tick over 10,000 groups of
// 50 agents. Run: build with -DOUTPACE_BUILD_BENCHMARKS=ON, then
//   ./bench_pacer --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <memory>
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

// 10,000 groups of 50 agents, 40 of them talking; every tick the calls it places fail
// (outside the timed region) so that each tick sees the same kind of state.
void BM_DialerTick10000Groups(benchmark::State& st) {
  const int groups = static_cast<int>(st.range(0));
  Dialer dialer;
  GroupSettings settings;
  settings.history_length = 0;
  std::vector<Action> out;
  for (int g = 0; g < groups; ++g) {
    auto group = std::make_shared<CampaignGroup>(settings);
    group->set_endless_records(true);
    for (int a = 0; a < 50; ++a) group->agent_ready(a, 0.0, out);
    out.clear();
    group->tick(1.0, out);
    int answered = 0;
    std::vector<Action> res;
    for (const Action& a : out) {
      if (answered < 40) {
        group->call_answered(a.call_id, 13.0, true, res);
        ++answered;
      } else {
        group->call_failed(a.call_id, 13.0, CallResult::NoAnswer, res);
      }
    }
    out.clear();
    dialer.add(group);
  }
  double now = 14.0;
  std::vector<GroupAction> acts;
  std::size_t dials = 0;
  for (auto _ : st) {
    acts.clear();
    dialer.tick(now, acts);
    st.PauseTiming();
    dials += acts.size();
    std::vector<Action> res;
    for (const GroupAction& ga : acts) {
      if (ga.action.kind == ActionKind::Dial) {
        dialer.group(static_cast<std::size_t>(ga.group))->call_failed(ga.action.call_id, now + 0.5, CallResult::Busy, res);
      }
    }
    now += 1.0;
    st.ResumeTiming();
  }
  st.counters["dials_per_tick"] = static_cast<double>(dials) / static_cast<double>(st.iterations());
}
BENCHMARK(BM_DialerTick10000Groups)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(20);

}  // namespace
