// The dialing buffer's record flow, one thread: order, treatments, retries, preview,
// stop, and the errors that bad input gives (with the buffer left unchanged).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "outpace/buffer.hpp"

namespace {

using outpace::BufferSettings;
using outpace::CallResult;
using outpace::Dial;
using outpace::DialingBuffer;
using outpace::RecordSource;
using outpace::TreatmentAction;

BufferSettings lifo_settings(std::size_t capacity = 16) {
  BufferSettings s;
  s.lifo_mode = true;
  s.lifo_capacity = capacity;
  return s;
}

std::vector<std::uint64_t> ids(const std::vector<Dial>& dials) {
  std::vector<std::uint64_t> out;
  for (const auto& d : dials) out.push_back(d.record_id);
  return out;
}

void add_list(DialingBuffer& b, std::vector<std::uint64_t> list, std::vector<std::uint32_t> phones = {}) {
  b.add_list_records(list.data(), phones.empty() ? nullptr : phones.data(), list.size());
}

template <class F>
void expect_invalid(F&& f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception; wanted one mentioning '" << fragment << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Buffer, LifoInsertsFirstMostRecentOnTopThenList) {
  DialingBuffer b(lifo_settings());
  add_list(b, {100, 101, 102});
  EXPECT_TRUE(b.insert(1));
  EXPECT_TRUE(b.insert(2));
  auto first = b.next(0.0, 2);
  EXPECT_EQ(ids(first), (std::vector<std::uint64_t>{2, 1}));
  EXPECT_EQ(first[0].source, RecordSource::LifoInsert);
  EXPECT_TRUE(b.insert(3));
  EXPECT_TRUE(b.insert(4));
  EXPECT_EQ(ids(b.next(1.0, 1)), (std::vector<std::uint64_t>{4}));
  EXPECT_TRUE(b.insert(5));  // the newest is next, ahead of 3 which is older and waiting
  const auto rest = b.next(2.0, 10);
  EXPECT_EQ(ids(rest), (std::vector<std::uint64_t>{5, 3, 100, 101, 102}));
  EXPECT_EQ(rest[2].source, RecordSource::CallingList);
}

TEST(Buffer, OutsideLifoModeInsertsJoinTheListOrder) {
  DialingBuffer b(BufferSettings{});
  add_list(b, {100, 101});
  EXPECT_TRUE(b.insert(7));
  add_list(b, {102});
  const auto all = b.next(0.0, 10);
  EXPECT_EQ(ids(all), (std::vector<std::uint64_t>{100, 101, 7, 102}));
  EXPECT_EQ(all[2].source, RecordSource::CallingList);
  expect_invalid([&] { b.insert(7); }, "already in the buffer");
}

TEST(Buffer, FullLifoRefusesTheInsert) {
  DialingBuffer b(lifo_settings(2));
  EXPECT_TRUE(b.insert(1));
  EXPECT_TRUE(b.insert(2));
  EXPECT_FALSE(b.insert(3));
  EXPECT_EQ(ids(b.next(0.0, 5)), (std::vector<std::uint64_t>{2, 1}));
  EXPECT_TRUE(b.insert(3));
}

TEST(Buffer, LifoModeGivesOneAttemptWhateverTheResult) {
  DialingBuffer b(lifo_settings());
  add_list(b, {100}, {3});
  b.insert(1);
  b.next(0.0, 2);
  for (std::uint64_t id : {std::uint64_t{1}, std::uint64_t{100}}) {
    const auto out = b.report(id, CallResult::Busy, 5.0);
    EXPECT_EQ(out.action, TreatmentAction::Close);
  }
  EXPECT_TRUE(b.next(1e9, 10).empty());
  expect_invalid([&] { b.report(1, CallResult::Busy, 6.0); }, "not in flight");
}

TEST(Buffer, BusyRetriesAfterDelayThenNextNumberThenCloses) {
  DialingBuffer b(BufferSettings{});
  add_list(b, {100}, {2});
  ASSERT_EQ(b.next(0.0, 1).size(), 1u);
  auto out = b.report(100, CallResult::Busy, 10.0);
  EXPECT_EQ(out.action, TreatmentAction::Retry);
  EXPECT_DOUBLE_EQ(out.due, 310.0);
  EXPECT_EQ(out.attempts, 1u);
  EXPECT_TRUE(b.next(309.0, 1).empty());  // not due yet
  auto again = b.next(310.0, 1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].source, RecordSource::Retry);
  EXPECT_EQ(again[0].phone_index, 0u);
  EXPECT_EQ(b.report(100, CallResult::Busy, 320.0).action, TreatmentAction::Retry);
  b.next(620.0, 1);
  out = b.report(100, CallResult::Busy, 630.0);  // third busy: attempts on number 0 used up
  EXPECT_EQ(out.action, TreatmentAction::NextNumber);
  EXPECT_EQ(out.phone_index, 1u);
  EXPECT_DOUBLE_EQ(out.due, 630.0);
  auto second = b.next(630.0, 1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].phone_index, 1u);
  EXPECT_EQ(b.report(100, CallResult::InvalidNumber, 640.0).action, TreatmentAction::Close);
  EXPECT_EQ(b.counts().retry, 0u);
  EXPECT_EQ(b.counts().in_flight, 0u);
}

TEST(Buffer, NoAnswerDefaultAndCustomTreatments) {
  BufferSettings s;
  s.treatments[static_cast<std::size_t>(CallResult::AnsweringMachine)] = {TreatmentAction::Close, 0.0, 1};
  DialingBuffer b(s);
  add_list(b, {1, 2});
  b.next(0.0, 2);
  EXPECT_DOUBLE_EQ(b.report(1, CallResult::NoAnswer, 1.0).due, 7201.0);
  EXPECT_EQ(b.report(2, CallResult::AnsweringMachine, 1.0).action, TreatmentAction::Close);
  expect_invalid([&] { b.report(1, CallResult::NoAnswer, 1.0); }, "not in flight");  // waiting to retry
}

TEST(Buffer, DueRetriesComeBeforeListRecordsEarliestFirst) {
  DialingBuffer b(BufferSettings{});
  add_list(b, {1, 2, 3, 4, 5});
  b.next(0.0, 2);
  b.report(1, CallResult::NoAnswer, 0.0);  // due 7200
  b.report(2, CallResult::Busy, 0.0);      // due 300
  EXPECT_EQ(ids(b.next(100.0, 1)), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(ids(b.next(8000.0, 3)), (std::vector<std::uint64_t>{2, 1, 4}));
}

TEST(Buffer, ListWantedAsksForBatches) {
  BufferSettings s;
  s.list_batch = 10;
  s.refill_below = 3;
  DialingBuffer b(s);
  EXPECT_EQ(b.list_wanted(), 10u);
  add_list(b, {1, 2, 3});
  EXPECT_EQ(b.list_wanted(), 0u);
  EXPECT_EQ(b.list_wanted(3), 0u);
  EXPECT_EQ(b.list_wanted(4), 10u);
  EXPECT_EQ(b.list_wanted(25), 30u);  // a shortfall of 22 in whole batches
  b.next(0.0, 1);
  EXPECT_EQ(b.list_wanted(), 10u);
}

TEST(Buffer, PreviewPushPullDialAndSkipGoesBackWhereItCameFrom) {
  DialingBuffer b(lifo_settings());
  add_list(b, {100, 101});
  b.insert(1);
  const std::uint64_t agents[] = {7, 8, 7};
  const auto given = b.push_preview(agents, 3, 0.0);
  ASSERT_EQ(given.size(), 2u);  // agent 7 listed twice gets one record
  EXPECT_EQ(given[0].agent_id, 7u);
  EXPECT_EQ(given[0].dial.record_id, 1u);
  EXPECT_EQ(given[1].dial.record_id, 100u);
  expect_invalid([&] { b.pull_preview(8, 0.0); }, "already previews record 100");
  b.preview_skip(8);  // back to the front of the list
  b.insert(2);
  b.preview_skip(7);  // back on top of the LIFO stack, above 2
  auto pulled = b.pull_preview(9, 1.0);
  ASSERT_TRUE(pulled.has_value());
  EXPECT_EQ(pulled->record_id, 1u);
  const Dial dialed = b.preview_dial(9);
  EXPECT_EQ(dialed.record_id, 1u);
  EXPECT_EQ(b.counts().in_flight, 1u);
  EXPECT_EQ(ids(b.next(2.0, 5)), (std::vector<std::uint64_t>{2, 100, 101}));
  EXPECT_FALSE(b.pull_preview(9, 3.0).has_value());
  expect_invalid([&] { b.preview_dial(9); }, "agent_id 9 previews no record");
  expect_invalid([&] { b.preview_skip(9); }, "agent_id 9 previews no record");
}

TEST(Buffer, SkippedRetryKeepsItsPlace) {
  DialingBuffer b(BufferSettings{});
  add_list(b, {1, 2, 3});
  b.next(0.0, 2);
  b.report(1, CallResult::Busy, 0.0);  // due 300
  b.report(2, CallResult::Busy, 1.0);  // due 301
  const auto p = b.pull_preview(5, 400.0);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->record_id, 1u);
  EXPECT_EQ(p->source, RecordSource::Retry);
  b.preview_skip(5);
  EXPECT_EQ(ids(b.next(400.0, 3)), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(Buffer, SkippedLifoRecordWaitsWhenTheStackFilledMeanwhile) {
  DialingBuffer b(lifo_settings(2));
  b.insert(1);
  ASSERT_TRUE(b.pull_preview(5, 0.0).has_value());
  b.insert(2);
  b.insert(3);
  b.preview_skip(5);
  EXPECT_EQ(b.counts().lifo_returned, 1u);
  EXPECT_EQ(ids(b.next(0.0, 5)), (std::vector<std::uint64_t>{3, 2, 1}));
}

TEST(Buffer, StopReturnsEveryRecordNotDialedWithItsSource) {
  DialingBuffer b(lifo_settings());
  add_list(b, {100, 101, 102, 103}, {1, 2, 1, 1});
  b.next(0.0, 2);                       // 100, 101 in flight
  b.insert(1);
  b.insert(2);
  b.report(100, CallResult::Answer, 1.0);  // closed (LIFO mode anyway)
  ASSERT_TRUE(b.pull_preview(9, 2.0).has_value());  // agent 9 previews 2
  const auto back = b.stop();
  ASSERT_EQ(back.size(), 4u);
  EXPECT_EQ(back[0].record_id, 1u);
  EXPECT_EQ(back[0].source, RecordSource::LifoInsert);
  EXPECT_EQ(back[1].record_id, 2u);
  ASSERT_TRUE(back[1].agent_id.has_value());
  EXPECT_EQ(*back[1].agent_id, 9u);
  EXPECT_EQ(back[2].record_id, 102u);
  EXPECT_EQ(back[2].source, RecordSource::CallingList);
  EXPECT_EQ(back[3].record_id, 103u);
  EXPECT_TRUE(b.stop().empty());
  EXPECT_EQ(b.counts().in_flight, 1u);  // 101 was dialed: not returned, still reportable
  EXPECT_EQ(b.report(101, CallResult::NoAnswer, 3.0).action, TreatmentAction::Close);
  expect_invalid([&] { b.preview_dial(9); }, "previews no record");
}

TEST(Buffer, StopReturnsRetriesWithDueTimes) {
  DialingBuffer b(BufferSettings{});
  add_list(b, {1, 2}, {1, 3});
  b.next(0.0, 2);
  b.report(1, CallResult::Busy, 5.0);
  b.report(2, CallResult::InvalidNumber, 6.0);
  const auto back = b.stop();
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].record_id, 2u);  // due 6 (next number at once) before due 305
  EXPECT_EQ(back[0].phone_index, 1u);
  EXPECT_EQ(back[0].phones, 3u);
  ASSERT_TRUE(back[1].due.has_value());
  EXPECT_DOUBLE_EQ(*back[1].due, 305.0);
  EXPECT_EQ(back[1].attempts, 1u);
  EXPECT_EQ(back[1].source, RecordSource::Retry);
}

TEST(Buffer, DuplicateLifoInsertIsDialedOnce) {
  DialingBuffer b(lifo_settings());
  b.insert(1);
  b.insert(1);
  EXPECT_EQ(ids(b.next(0.0, 5)), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(b.counts().duplicates_dropped, 1u);
  b.insert(1);  // still in flight
  EXPECT_TRUE(b.stop().empty());
  EXPECT_EQ(b.counts().duplicates_dropped, 2u);
}

TEST(Buffer, BadTimeIsRejectedAndChangesNothing) {
  DialingBuffer b(BufferSettings{});
  add_list(b, {1, 2});
  expect_invalid([&] { b.next(-1.0, 1); }, "now must be a finite number of seconds >= 0 (got -1)");
  expect_invalid([&] { b.next(std::nan(""), 1); }, "now must be");
  expect_invalid([&] { b.next(std::numeric_limits<double>::infinity(), 1); }, "now must be");
  EXPECT_EQ(b.next(10.0, 1).size(), 1u);
  expect_invalid([&] { b.next(9.0, 1); }, "now must not go backwards (got 9 after 10)");
  expect_invalid([&] { b.report(1, CallResult::Busy, 9.5); }, "backwards");
  EXPECT_EQ(b.counts().in_flight, 1u);
  EXPECT_EQ(b.counts().list, 1u);
  EXPECT_EQ(b.report(1, CallResult::Busy, 10.0).action, TreatmentAction::Retry);
}

TEST(Buffer, BadRecordsAndResultsAreRejected) {
  DialingBuffer b(BufferSettings{});
  add_list(b, {1, 2});
  expect_invalid([&] { b.report(1, CallResult::Busy, 0.0); }, "record_id 1 is not in flight");
  expect_invalid([&] { b.report(99, CallResult::Busy, 0.0); }, "record_id 99 is not in flight");
  b.next(0.0, 1);
  expect_invalid([&] { b.report(1, static_cast<CallResult>(42), 0.0); }, "result must be a CallResult (got 42)");
  expect_invalid([&] { add_list(b, {3, 2}); }, "record_ids[1]: record 2 is already in the buffer");
  expect_invalid([&] { add_list(b, {3, 4, 3}); }, "record_ids[2]: record 3 appears twice");
  expect_invalid([&] { add_list(b, {3, 4}, {1, 0}); }, "phones[1] must be >= 1");
  expect_invalid([&] { b.insert(1); }, "record_id: record 1 is already in the buffer");
  expect_invalid([&] { b.insert(5, 0); }, "phones must be >= 1");
  EXPECT_EQ(b.counts().list, 1u);  // the rejected batches added nothing
  EXPECT_EQ(b.report(1, CallResult::Answer, 1.0).action, TreatmentAction::Close);
  expect_invalid([&] { b.report(1, CallResult::Answer, 1.0); }, "already reported");
}

TEST(Buffer, BadSettingsNameTheField) {
  BufferSettings s;
  s.lifo_capacity = 0;
  expect_invalid([&] { DialingBuffer b(s); }, "lifo_capacity must be from 1");
  s = BufferSettings{};
  s.list_batch = 0;
  expect_invalid([&] { DialingBuffer b(s); }, "list_batch must be >= 1");
  s = BufferSettings{};
  s.treatments[static_cast<std::size_t>(CallResult::Busy)].delay = -1.0;
  expect_invalid([&] { DialingBuffer b(s); }, "treatments[Busy].delay must be a finite number of seconds >= 0");
  s = BufferSettings{};
  s.treatments[static_cast<std::size_t>(CallResult::NoAnswer)].max_attempts = 0;
  expect_invalid([&] { DialingBuffer b(s); }, "treatments[NoAnswer].max_attempts must be >= 1");
  s = BufferSettings{};
  s.treatments[0].action = static_cast<TreatmentAction>(9);
  expect_invalid([&] { DialingBuffer b(s); }, "treatments[Answer].action");
}

TEST(Buffer, NamesForMessages) {
  EXPECT_STREQ(outpace::to_string(CallResult::AnsweringMachine), "AnsweringMachine");
  EXPECT_STREQ(outpace::to_string(static_cast<CallResult>(200)), "unknown");
  EXPECT_STREQ(outpace::to_string(RecordSource::LifoInsert), "LifoInsert");
  EXPECT_STREQ(outpace::to_string(TreatmentAction::NextNumber), "NextNumber");
}

}  // namespace

namespace {

TEST(Buffer, ReturnUndialedGoesBackWhereItCameFromWithNoAttempt) {
  DialingBuffer b(lifo_settings(4));
  add_list(b, {10, 11});
  b.insert(1);
  EXPECT_EQ(b.available(0.0), 3u);
  const auto first = b.next(0.0, 2);  // 1 (LIFO), 10 (list)
  ASSERT_EQ(ids(first), (std::vector<std::uint64_t>{1, 10}));
  EXPECT_EQ(b.available(0.0), 1u);
  b.return_undialed(10);  // front of the list again
  b.return_undialed(1);   // top of the stack again
  EXPECT_EQ(b.counts().in_flight, 0u);
  EXPECT_EQ(ids(b.next(0.0, 3)), (std::vector<std::uint64_t>{1, 10, 11}));
  expect_invalid([&] { b.return_undialed(99); }, "record_id 99 is not in flight");
}

TEST(Buffer, ReturnedRetryKeepsItsPlaceAndItsAttempts) {
  BufferSettings s;
  s.treatments[static_cast<std::size_t>(CallResult::Busy)] = {TreatmentAction::Retry, 60.0, 2};
  DialingBuffer b(s);
  add_list(b, {1, 2});
  b.next(0.0, 1);
  b.report(1, CallResult::Busy, 0.0);  // due 60, attempt 1 of 2
  EXPECT_EQ(b.available(59.0), 1u);     // the retry is not due yet
  EXPECT_EQ(b.available(60.0), 2u);
  ASSERT_EQ(ids(b.next(60.0, 1)), (std::vector<std::uint64_t>{1}));
  b.return_undialed(1);  // not dialed: no attempt counted
  ASSERT_EQ(ids(b.next(61.0, 1)), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(b.report(1, CallResult::Busy, 61.0).action, TreatmentAction::Close);  // second attempt
}

}  // namespace
