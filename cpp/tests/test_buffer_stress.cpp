// The dialing buffer under concurrency: inserters (the lock-free path in LIFO mode),
// a dialing loop that hands out, previews and reports, and a thread that stops the group
// again and again, all at once. Afterwards every record must be accounted for exactly
// once: closed after its call, or returned by a stop(). Also run under ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "lifo_stress.hpp"
#include "outpace/buffer.hpp"

namespace {

using outpace::BufferSettings;
using outpace::CallResult;
using outpace::DialingBuffer;
using outpace::ReturnedRecord;
using outpace::TreatmentAction;

struct Tally {
  std::vector<std::uint8_t> closed, returned;
  std::uint64_t foreign = 0, dialed_while_out = 0;
};

void run_flow(bool lifo_mode, std::uint64_t per_inserter, unsigned inserters) {
  BufferSettings s;
  s.lifo_mode = lifo_mode;
  s.lifo_capacity = 8;
  // Short delays so that retries come back during the run.
  s.treatments[static_cast<std::size_t>(CallResult::Busy)] = {TreatmentAction::Retry, 3.0, 2};
  s.treatments[static_cast<std::size_t>(CallResult::NoAnswer)] = {TreatmentAction::Retry, 1.0, 3};
  DialingBuffer buffer(s);
  const std::uint64_t total = per_inserter * inserters;

  Tally tally;
  tally.closed.assign(total + 1, 0);
  tally.returned.assign(total + 1, 0);
  std::mutex tally_mu;  // the stopper and the dialing loop both record
  std::vector<std::uint8_t> out(total + 1, 0);  // dialing loop only: in flight or previewed

  std::atomic<unsigned> inserters_left{inserters};
  std::atomic<bool> done{false};

  const auto record_returned = [&](const std::vector<ReturnedRecord>& back) {
    std::lock_guard<std::mutex> lock(tally_mu);
    for (const auto& r : back) {
      if (r.record_id == 0 || r.record_id > total) {
        ++tally.foreign;
      } else {
        ++tally.returned[r.record_id];
      }
    }
  };

  std::vector<std::thread> pool;
  for (unsigned t = 0; t < inserters; ++t) {
    pool.emplace_back([&, t] {
      const std::uint64_t first = t * per_inserter + 1;
      for (std::uint64_t i = 0; i < per_inserter;) {
        // Outside LIFO mode inserts join the list: feed it as a host refills it, on demand.
        if (!lifo_mode && buffer.list_wanted() == 0) {
          std::this_thread::yield();
          continue;
        }
        if (buffer.insert(first + i, 2)) {
          ++i;
        } else {
          std::this_thread::yield();  // LIFO stack full: the dialing loop will empty it
        }
      }
      inserters_left.fetch_sub(1);
    });
  }
  pool.emplace_back([&] {  // the stopper: a group stopped and resumed again and again
    while (!done.load()) {
      record_returned(buffer.stop());
      // Often enough to race with everything, rarely enough that records also get dialed.
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  // The dialing loop, on this thread: the only caller of timed methods, so time is monotonic.
  const CallResult results[] = {CallResult::Busy, CallResult::Answer, CallResult::NoAnswer,
                                CallResult::InvalidNumber, CallResult::Busy};
  double now = 0.0;
  std::uint64_t step = 0;
  const auto note_out = [&](std::uint64_t id) {
    if (id == 0 || id > total) {
      ++tally.foreign;
      return false;
    }
    if (out[id]++ != 0) ++tally.dialed_while_out;
    return true;
  };
  const auto report = [&](std::uint64_t id) {
    const auto outcome = buffer.report(id, results[(id + step) % 5], now);
    --out[id];
    if (outcome.action == TreatmentAction::Close) {
      std::lock_guard<std::mutex> lock(tally_mu);
      ++tally.closed[id];
    }
  };
  for (;;) {
    const bool last_round = inserters_left.load() == 0;
    now += 0.5;
    ++step;
    if (step % 7 == 0) {  // a preview agent: pull, then dial or skip
      if (auto p = buffer.pull_preview(1, now)) {
        if (note_out(p->record_id)) {
          try {
            if (step % 2 == 0) {
              buffer.preview_skip(1);
              --out[p->record_id];
            } else {
              report(buffer.preview_dial(1).record_id);
            }
          } catch (const std::invalid_argument&) {
            --out[p->record_id];  // a stop() took the previewed record back first
          }
        }
      }
      continue;
    }
    const auto dials = buffer.next(now, 1 + step % 4);
    for (const auto& d : dials) {
      if (note_out(d.record_id)) report(d.record_id);
    }
    if (last_round && dials.empty() && buffer.counts().retry == 0) break;
  }
  done.store(true);
  for (auto& t : pool) t.join();
  record_returned(buffer.stop());

  EXPECT_EQ(tally.foreign, 0u);
  EXPECT_EQ(tally.dialed_while_out, 0u) << "a record was handed out while already out";
  std::uint64_t lost = 0, twice = 0;
  for (std::uint64_t id = 1; id <= total; ++id) {
    const int seen = tally.closed[id] + tally.returned[id];
    if (seen == 0) ++lost;
    if (seen > 1) ++twice;
  }
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(twice, 0u);
  std::uint64_t closed = 0;
  for (auto c : tally.closed) closed += c;
  std::printf("closed %llu, returned by stop %llu, loop rounds %llu\n", static_cast<unsigned long long>(closed),
              static_cast<unsigned long long>(total - closed), static_cast<unsigned long long>(step));
  const auto c = buffer.counts();
  EXPECT_EQ(c.in_flight + c.previewing + c.list + c.retry + c.lifo + c.lifo_returned, 0u);
  EXPECT_EQ(c.duplicates_dropped, 0u);
}

TEST(BufferStress, LifoInsertsDialingAndStopsAtOnce) {
  run_flow(true, outpace::stress::ids_per_case(150'000), 2);
}

TEST(BufferStress, ListInsertsRetriesAndStopsAtOnce) {
  run_flow(false, outpace::stress::ids_per_case(60'000), 2);
}

}  // namespace
