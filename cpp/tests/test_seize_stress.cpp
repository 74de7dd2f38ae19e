// The agent pool under concurrent reservation: an agent is never held by two calls.
// Run by ctest, plain and under ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "outpace/group.hpp"
#include "outpace/seize.hpp"

namespace {

using outpace::AgentPool;
using outpace::AgentState;

#if defined(__SANITIZE_THREAD__)
constexpr int kRounds = 20'000;
#else
constexpr int kRounds = 200'000;
#endif

TEST(AgentPool, NeverDoubleBooksUnderContention) {
  AgentPool pool;
  constexpr std::size_t kAgents = 4;
  for (std::size_t i = 0; i < kAgents; ++i) {
    pool.add();
    pool.set(i, AgentState::Ready, -1);
  }
  std::atomic<std::int64_t> owner[kAgents];
  for (auto& o : owner) o.store(-1);
  std::atomic<std::int64_t> bookings{0}, conflicts{0};
  constexpr int kThreads = 4;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      for (int i = 0; i < kRounds; ++i) {
        const std::size_t slot = rng() % kAgents;
        const std::int64_t call = static_cast<std::int64_t>(t) * kRounds + i;
        if (!pool.reserve(slot, call)) continue;
        // We hold the agent: nobody else may.
        if (owner[slot].exchange(call) != -1) conflicts.fetch_add(1);
        if (!pool.bind(slot, call)) conflicts.fetch_add(1);
        ++bookings;
        owner[slot].store(-1);
        if (!pool.transition(slot, AgentState::Talking, call, AgentState::Ready, -1)) conflicts.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(conflicts.load(), 0);
  EXPECT_GT(bookings.load(), kRounds / 10);
  for (std::size_t i = 0; i < kAgents; ++i) EXPECT_EQ(pool.get(i).state, AgentState::Ready);
}

TEST(AgentPool, ReleaseOnlyByTheHolder) {
  AgentPool pool;
  pool.add();
  pool.set(0, AgentState::Ready, -1);
  ASSERT_TRUE(pool.reserve(0, 7));
  EXPECT_FALSE(pool.reserve(0, 8));
  EXPECT_FALSE(pool.release(0, 8));
  EXPECT_FALSE(pool.bind(0, 8));
  EXPECT_TRUE(pool.bind(0, 7));
  EXPECT_EQ(pool.get(0).call, 7);
}

TEST(CampaignGroup, ConcurrentEventsKeepEveryAgentOnOneCall) {
  outpace::GroupSettings s;
  s.mode = outpace::DialingMode::ProgressiveSeizing;
  outpace::CampaignGroup g(s);
  g.set_endless_records(true);
  constexpr int kAgents = 6;
  std::vector<outpace::Action> out;
  for (int a = 0; a < kAgents; ++a) g.agent_ready(a, 1.0, out);
  std::atomic<std::int64_t> on_call[kAgents];
  for (auto& c : on_call) c.store(-1);
  std::atomic<int> conflicts{0}, bridges{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<outpace::Action> acts;
      std::mt19937 rng(static_cast<unsigned>(t + 100));
      for (int i = 0; i < kRounds / 20; ++i) {
        acts.clear();
        g.tick(1.0, acts);
        for (const auto& a : acts) {
          if (a.kind != outpace::ActionKind::Dial) continue;
          std::vector<outpace::Action> res;
          if (rng() % 2 == 0) {
            g.call_answered(a.call_id, 1.0, true, res);
          } else {
            g.call_failed(a.call_id, 1.0, outpace::CallResult::Busy, res);
          }
          for (const auto& r : res) {
            if (r.kind != outpace::ActionKind::Bridge) continue;
            ++bridges;
            if (on_call[r.agent_id].exchange(r.call_id) != -1) ++conflicts;
            on_call[r.agent_id].store(-1);
            std::vector<outpace::Action> more;
            g.call_ended(r.call_id, 1.0, more);
            g.agent_ready(r.agent_id, 1.0, more);
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(conflicts.load(), 0);
  EXPECT_GT(bridges.load(), 100);
  const auto m = g.metrics();
  EXPECT_EQ(m.agents_talking, 0);
  EXPECT_EQ(m.connects, bridges.load());
  // The state counts kept by every agent move agree with the pool (metrics() reads it).
  const auto c = g.counts();
  EXPECT_EQ(c.ready, m.agents_ready);
  EXPECT_EQ(c.reserved, m.agents_reserved);
  EXPECT_EQ(c.talking, m.agents_talking);
  EXPECT_EQ(c.wrap_up, m.agents_wrap_up);
  EXPECT_EQ(c.not_ready, m.agents_not_ready);
  EXPECT_EQ(c.ready + c.reserved, kAgents);
}

}  // namespace
