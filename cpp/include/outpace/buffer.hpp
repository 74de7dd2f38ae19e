// The dialing buffer of one campaign group: the records waiting to be dialed, in the
// order they will be handed out, and what happens to each after its call.
//
// Order of hand-out:
//   1. LIFO-inserted records (LIFO mode only), most recent first: a web lead inserted now
//      is dialed next, ahead of older inserted records not yet attempted.
//   2. Retries that are due (due <= now), earliest due first.
//   3. Calling-list records, in list order. The host refills them in batches of
//      list_batch: list_wanted() says how many to add now.
// Outside LIFO mode an inserted record joins the calling-list order: it is appended after
// the list records already waiting and is treated exactly like one.
//
// A record is handed out either to be dialed at once (next()) or to a preview agent (Push
// Preview: push_preview() gives records to ready agents; Pull Preview: pull_preview()
// answers an agent's request). The agent dials it (preview_dial) or skips it
// (preview_skip), and a skipped record goes back where it came from. Once dialed, the
// host reports its result and the treatment for that result decides: retry later on the
// same number, move on to the contact's next number, or close. In LIFO mode every record
// gets exactly one attempt: any result closes it, with no treatment escalation.
//
// stop() takes out every record that has not been dialed (LIFO, retry, list and preview
// records), each with where it came from: nothing is lost, nothing is dialed twice. Calls
// in flight stay tracked; their results may still be reported afterwards.
//
// Concurrency: every method is safe to call from any thread. insert() in LIFO mode is
// lock-free (the LIFO stack of lifo.hpp); everything else takes one mutex. A LIFO insert
// that races with stop() is either in stop()'s result or still in the buffer afterwards.
//
// Time is an argument in seconds; it may not be negative or go backwards between calls.
// Bad input throws std::invalid_argument naming the field and leaves the buffer unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "outpace/call_result.hpp"
#include "outpace/lifo.hpp"
#include "outpace/treatment.hpp"

namespace outpace {

// Where a record waits, or waited before it was handed out.
enum class RecordSource : std::uint8_t {
  LifoInsert = 0,   // inserted through the API in LIFO mode
  CallingList = 1,  // the calling list (and, outside LIFO mode, records inserted through the API)
  Retry = 2,        // rescheduled by a treatment (a retry or the contact's next number)
};

const char* to_string(RecordSource source) noexcept;

struct BufferSettings {
  bool lifo_mode = false;
  std::size_t lifo_capacity = 1024;  // LIFO-inserted records waiting at most (LIFO mode)
  std::size_t list_batch = 200;      // calling-list records asked for per refill
  std::size_t refill_below = 50;     // ask for a refill when fewer list records wait
  TreatmentTable treatments = default_treatments();
};

// A record handed out, to dial or to preview.
struct Dial {
  std::uint64_t record_id = 0;
  std::uint32_t phone_index = 0;  // which of the contact's numbers, from 0
  RecordSource source = RecordSource::CallingList;
};

// A record given to a preview agent by push_preview().
struct Assignment {
  std::uint64_t agent_id = 0;
  Dial dial;
};

// What report() did with a record.
struct Outcome {
  TreatmentAction action = TreatmentAction::Close;  // Retry / NextNumber: back in the buffer
  double due = 0.0;                 // when it is due again, seconds (Close: the report time)
  std::uint32_t phone_index = 0;    // the number it will be dialed on next
  std::uint32_t attempts = 0;       // attempts already made on that number
};

// A record taken out by stop().
struct ReturnedRecord {
  std::uint64_t record_id = 0;
  RecordSource source = RecordSource::CallingList;
  std::uint32_t phone_index = 0;
  std::uint32_t phones = 1;
  std::uint32_t attempts = 0;  // attempts already made on phone_index
  std::optional<double> due;   // retries: when it was due, seconds
  std::optional<std::uint64_t> agent_id;  // previewed by this agent when stopped
};

struct BufferCounts {
  std::size_t lifo = 0;        // LIFO stack (approximate while inserts run concurrently)
  std::size_t lifo_returned = 0;  // skipped LIFO records that found the stack full
  std::size_t list = 0;
  std::size_t retry = 0;       // rescheduled, due or not
  std::size_t previewing = 0;  // held by preview agents
  std::size_t in_flight = 0;   // dialed, result not yet reported
  std::uint64_t duplicates_dropped = 0;  // LIFO inserts of a record already in the buffer
};

class DialingBuffer {
 public:
  // Throws std::invalid_argument for bad settings (naming the field).
  explicit DialingBuffer(const BufferSettings& settings);
  DialingBuffer(const DialingBuffer&) = delete;
  DialingBuffer& operator=(const DialingBuffer&) = delete;

  const BufferSettings& settings() const noexcept { return settings_; }

  // A record inserted through the API; `phones` is how many numbers the contact has.
  // LIFO mode: lock-free push on top; returns false (record not taken) when the LIFO
  // stack is full. Only the first number is dialed (one attempt). If the same id is
  // inserted again while the record is still in the buffer, the copy is dropped when it
  // reaches the top (counted in duplicates_dropped), so the record is dialed once.
  // Otherwise: appended to the calling-list order; returns true, or throws if the record
  // is already in the buffer (waiting, previewed or in flight).
  bool insert(std::uint64_t record_id, std::uint32_t phones = 1);

  // Calling-list records in list order (phones: numbers per contact; null means 1 each).
  // Throws, adding none, if a record is already in the buffer or appears twice.
  void add_list_records(const std::uint64_t* record_ids, const std::uint32_t* phones, std::size_t count);

  // How many calling-list records the host should add now so that at least
  // max(need, refill_below) wait: 0 when they do, else the shortfall in whole batches of
  // list_batch (need: the records about to be asked for).
  std::size_t list_wanted(std::size_t need = 0) const;

  // Hands out up to max_count records to dial now, in buffer order; they are in flight
  // until their result is reported.
  std::vector<Dial> next(double now, std::size_t max_count);

  // A record handed out by next() that was not dialed after all (the host found no agent
  // for it, a preview was skipped): it goes back where it came from, as preview_skip does,
  // with no attempt counted. Throws if the record is not in flight.
  void return_undialed(std::uint64_t record_id);

  // How many records next(now, ...) could hand out now: LIFO, returned LIFO, retries due
  // by `now` and calling-list records (the LIFO count is approximate while inserts run).
  std::size_t available(double now) const;

  // Push Preview: gives the next records to the listed ready agents, in order, one each.
  // Agents that already hold a preview record are passed over.
  std::vector<Assignment> push_preview(const std::uint64_t* agent_ids, std::size_t count, double now);

  // Pull Preview: the agent asks for a record. Throws if it already holds one.
  std::optional<Dial> pull_preview(std::uint64_t agent_id, double now);

  // The agent dials the record it previews (now in flight) or skips it (it goes back where
  // it came from: the front of the list, its place among retries, or the top of the LIFO
  // stack). Throws if the agent holds no preview record.
  Dial preview_dial(std::uint64_t agent_id);
  void preview_skip(std::uint64_t agent_id);

  // The result of a dialed record. Throws if the record is not in flight (never handed
  // out to dial, or already reported).
  Outcome report(std::uint64_t record_id, CallResult result, double now);

  // Takes out every record not dialed: LIFO (top first), returned LIFO, previewed (by
  // agent id), retries (by due time), then the calling list (in order).
  std::vector<ReturnedRecord> stop();

  BufferCounts counts() const;

 private:
  struct Record {
    std::uint64_t id = 0;
    std::uint32_t phones = 1;
    std::uint32_t phone = 0;
    std::uint32_t attempts = 0;  // on `phone`
    RecordSource source = RecordSource::CallingList;
    double due = 0.0;        // retries
    std::uint64_t seq = 0;   // retries: order among equal due times
  };
  using RetryKey = std::pair<double, std::uint64_t>;

  void check_time(double now);                      // caller holds mu_
  std::optional<Record> take_next(double now);      // caller holds mu_
  void put_back(Record record);                     // caller holds mu_
  Record take_previewed(std::uint64_t agent_id);    // caller holds mu_; throws if none
  void check_new_id(std::uint64_t id, const char* what) const;  // caller holds mu_

  const BufferSettings settings_;
  Lifo lifo_;
  mutable std::mutex mu_;
  std::deque<std::uint64_t> lifo_returned_;
  std::deque<Record> list_;
  std::map<RetryKey, Record> retries_;
  std::unordered_map<std::uint64_t, Record> previewing_;  // by agent id
  std::unordered_map<std::uint64_t, Record> in_flight_;   // by record id
  // Every record id held under mu_ (list, retries, previewing, in flight, returned LIFO);
  // ids on the LIFO stack are not in it until they are popped.
  std::unordered_set<std::uint64_t> live_;
  double last_now_ = 0.0;
  std::uint64_t retry_seq_ = 0;
  std::uint64_t duplicates_dropped_ = 0;
};

}  // namespace outpace
