#include "outpace/buffer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace outpace {
namespace {

std::string number(double value) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

const BufferSettings& validated(const BufferSettings& s) {
  if (s.lifo_capacity < 1 || s.lifo_capacity > Lifo::kMaxCapacity) {
    throw std::invalid_argument("lifo_capacity must be from 1 to " + std::to_string(Lifo::kMaxCapacity) +
                                " (got " + std::to_string(s.lifo_capacity) + ")");
  }
  if (s.list_batch < 1) throw std::invalid_argument("list_batch must be >= 1 (got 0)");
  validate(s.treatments);
  return s;
}

}  // namespace

const char* to_string(RecordSource source) noexcept {
  switch (source) {
    case RecordSource::LifoInsert: return "LifoInsert";
    case RecordSource::CallingList: return "CallingList";
    case RecordSource::Retry: return "Retry";
  }
  return "unknown";
}

// Outside LIFO mode the stack is never used; one node, no caches (no spare nodes, no
// registry entry) keeps the member simple.
DialingBuffer::DialingBuffer(const BufferSettings& settings)
    : settings_(validated(settings)),
      lifo_(settings.lifo_mode ? settings.lifo_capacity : 1,
            settings.lifo_mode ? LifoCaching{} : LifoCaching{0, 0}) {}

void DialingBuffer::check_time(double now) {
  if (!std::isfinite(now) || now < 0.0) {
    throw std::invalid_argument("now must be a finite number of seconds >= 0 (got " + number(now) + ")");
  }
  if (now < last_now_) {
    throw std::invalid_argument("now must not go backwards (got " + number(now) + " after " +
                                number(last_now_) + ")");
  }
  last_now_ = now;
}

void DialingBuffer::check_new_id(std::uint64_t id, const char* what) const {
  if (live_.count(id) != 0) {
    throw std::invalid_argument(std::string(what) + ": record " + std::to_string(id) +
                                " is already in the buffer (waiting, previewed or in flight)");
  }
}

bool DialingBuffer::insert(std::uint64_t record_id, std::uint32_t phones) {
  if (phones < 1) throw std::invalid_argument("phones must be >= 1 (got 0)");
  if (settings_.lifo_mode) return lifo_.push(record_id);  // lock-free: the point of the stack
  std::lock_guard<std::mutex> lock(mu_);
  check_new_id(record_id, "record_id");
  Record r;
  r.id = record_id;
  r.phones = phones;
  list_.push_back(r);
  live_.insert(record_id);
  return true;
}

void DialingBuffer::add_list_records(const std::uint64_t* record_ids, const std::uint32_t* phones,
                                     std::size_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  // Validate everything first so that a bad batch adds nothing.
  std::unordered_set<std::uint64_t> batch;
  batch.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string where = "record_ids[" + std::to_string(i) + "]";
    if (phones != nullptr && phones[i] < 1) {
      throw std::invalid_argument("phones[" + std::to_string(i) + "] must be >= 1 (got 0)");
    }
    check_new_id(record_ids[i], where.c_str());
    if (!batch.insert(record_ids[i]).second) {
      throw std::invalid_argument(where + ": record " + std::to_string(record_ids[i]) +
                                  " appears twice in the batch");
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    Record r;
    r.id = record_ids[i];
    r.phones = phones != nullptr ? phones[i] : 1;
    list_.push_back(r);
    live_.insert(r.id);
  }
}

std::size_t DialingBuffer::list_wanted(std::size_t need) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::size_t target = std::max(need, settings_.refill_below);
  if (list_.size() >= target) return 0;
  const std::size_t batches = (target - list_.size() + settings_.list_batch - 1) / settings_.list_batch;
  return batches * settings_.list_batch;
}

std::optional<DialingBuffer::Record> DialingBuffer::take_next(double now) {
  if (settings_.lifo_mode) {
    std::uint64_t id = 0;
    while (lifo_.pop(id)) {
      if (!live_.insert(id).second) {
        ++duplicates_dropped_;  // the same record is already waiting or out: dial it once
        continue;
      }
      Record r;
      r.id = id;
      r.source = RecordSource::LifoInsert;
      return r;
    }
    if (!lifo_returned_.empty()) {
      Record r;
      r.id = lifo_returned_.front();
      r.source = RecordSource::LifoInsert;
      lifo_returned_.pop_front();
      return r;
    }
  }
  if (!retries_.empty() && retries_.begin()->first.first <= now) {
    Record r = retries_.begin()->second;
    retries_.erase(retries_.begin());
    return r;
  }
  if (!list_.empty()) {
    Record r = list_.front();
    list_.pop_front();
    return r;
  }
  return std::nullopt;
}

void DialingBuffer::put_back(Record r) {
  switch (r.source) {
    case RecordSource::LifoInsert:
      // Back on top of the stack; if inserts filled it meanwhile, first in line after it.
      if (lifo_.push(r.id)) {
        live_.erase(r.id);
      } else {
        lifo_returned_.push_front(r.id);
      }
      break;
    case RecordSource::CallingList:
      list_.push_front(r);  // it was ahead of every list record still waiting
      break;
    case RecordSource::Retry:
      retries_.emplace(RetryKey{r.due, r.seq}, r);  // its own place: same due time and order
      break;
  }
}

std::vector<Dial> DialingBuffer::next(double now, std::size_t max_count) {
  std::lock_guard<std::mutex> lock(mu_);
  check_time(now);
  std::vector<Dial> out;
  while (out.size() < max_count) {
    auto r = take_next(now);
    if (!r) break;
    out.push_back(Dial{r->id, r->phone, r->source});
    in_flight_.emplace(r->id, *r);
  }
  return out;
}

std::vector<Assignment> DialingBuffer::push_preview(const std::uint64_t* agent_ids, std::size_t count,
                                                    double now) {
  std::lock_guard<std::mutex> lock(mu_);
  check_time(now);
  std::vector<Assignment> out;
  for (std::size_t i = 0; i < count; ++i) {
    if (previewing_.count(agent_ids[i]) != 0) continue;  // busy with a record already
    auto r = take_next(now);
    if (!r) break;
    out.push_back(Assignment{agent_ids[i], Dial{r->id, r->phone, r->source}});
    previewing_.emplace(agent_ids[i], *r);
  }
  return out;
}

std::optional<Dial> DialingBuffer::pull_preview(std::uint64_t agent_id, double now) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto held = previewing_.find(agent_id);
  if (held != previewing_.end()) {
    throw std::invalid_argument("agent_id " + std::to_string(agent_id) + " already previews record " +
                                std::to_string(held->second.id) + ": dial or skip it first");
  }
  check_time(now);
  auto r = take_next(now);
  if (!r) return std::nullopt;
  previewing_.emplace(agent_id, *r);
  return Dial{r->id, r->phone, r->source};
}

DialingBuffer::Record DialingBuffer::take_previewed(std::uint64_t agent_id) {
  const auto held = previewing_.find(agent_id);
  if (held == previewing_.end()) {
    throw std::invalid_argument("agent_id " + std::to_string(agent_id) + " previews no record");
  }
  const Record r = held->second;
  previewing_.erase(held);
  return r;
}

Dial DialingBuffer::preview_dial(std::uint64_t agent_id) {
  std::lock_guard<std::mutex> lock(mu_);
  const Record r = take_previewed(agent_id);
  in_flight_.emplace(r.id, r);
  return Dial{r.id, r.phone, r.source};
}

void DialingBuffer::preview_skip(std::uint64_t agent_id) {
  std::lock_guard<std::mutex> lock(mu_);
  put_back(take_previewed(agent_id));
}

void DialingBuffer::return_undialed(std::uint64_t record_id) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = in_flight_.find(record_id);
  if (it == in_flight_.end()) {
    throw std::invalid_argument("record_id " + std::to_string(record_id) +
                                " is not in flight: it was not handed out to dial, or its result was "
                                "already reported");
  }
  const Record r = it->second;
  in_flight_.erase(it);
  put_back(r);
}

std::size_t DialingBuffer::available(double now) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::size_t n = list_.size();
  if (settings_.lifo_mode) n += lifo_.size() + lifo_returned_.size();
  for (auto it = retries_.begin(); it != retries_.end() && it->first.first <= now; ++it) ++n;
  return n;
}

Outcome DialingBuffer::report(std::uint64_t record_id, CallResult result, double now) {
  if (!is_valid(result)) {
    throw std::invalid_argument("result must be a CallResult (got " + std::to_string(static_cast<int>(result)) +
                                ")");
  }
  std::lock_guard<std::mutex> lock(mu_);
  const auto it = in_flight_.find(record_id);
  if (it == in_flight_.end()) {
    throw std::invalid_argument("record_id " + std::to_string(record_id) +
                                " is not in flight: it was not handed out to dial, or its result was "
                                "already reported");
  }
  check_time(now);
  Record r = it->second;
  in_flight_.erase(it);
  ++r.attempts;

  Outcome out{TreatmentAction::Close, now, r.phone, r.attempts};
  const Treatment& t = settings_.treatments[static_cast<std::size_t>(result)];
  // LIFO mode: one attempt per record, no escalation, whatever the result.
  const TreatmentAction wanted = settings_.lifo_mode ? TreatmentAction::Close : t.action;
  if (wanted == TreatmentAction::Retry && r.attempts < static_cast<std::uint32_t>(t.max_attempts)) {
    out = Outcome{TreatmentAction::Retry, now + t.delay, r.phone, r.attempts};
  } else if (wanted != TreatmentAction::Close && r.phone + 1 < r.phones) {
    // Next number: asked for, or retries on this one are used up (then at once).
    const double delay = wanted == TreatmentAction::NextNumber ? t.delay : 0.0;
    ++r.phone;
    r.attempts = 0;
    out = Outcome{TreatmentAction::NextNumber, now + delay, r.phone, 0};
  }
  if (out.action == TreatmentAction::Close) {
    live_.erase(r.id);
  } else {
    r.source = RecordSource::Retry;
    r.due = out.due;
    r.seq = retry_seq_++;
    retries_.emplace(RetryKey{r.due, r.seq}, r);
  }
  return out;
}

std::vector<ReturnedRecord> DialingBuffer::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ReturnedRecord> out;
  const auto give = [&](const Record& r, std::optional<std::uint64_t> agent) {
    ReturnedRecord x;
    x.record_id = r.id;
    x.source = r.source;
    x.phone_index = r.phone;
    x.phones = r.phones;
    x.attempts = r.attempts;
    if (r.source == RecordSource::Retry) x.due = r.due;
    x.agent_id = agent;
    out.push_back(x);
    live_.erase(r.id);
  };
  if (settings_.lifo_mode) {
    std::vector<std::uint64_t> stacked = lifo_.drain();
    std::unordered_set<std::uint64_t> seen;
    for (std::uint64_t id : stacked) {
      // Copies of a record that is still held elsewhere, or twice on the stack, go once.
      if (live_.count(id) != 0 || !seen.insert(id).second) {
        ++duplicates_dropped_;
        continue;
      }
      ReturnedRecord x;
      x.record_id = id;
      x.source = RecordSource::LifoInsert;
      out.push_back(x);
    }
    for (std::uint64_t id : lifo_returned_) {
      Record r;
      r.id = id;
      r.source = RecordSource::LifoInsert;
      give(r, std::nullopt);
    }
    lifo_returned_.clear();
  }
  std::vector<std::pair<std::uint64_t, Record>> held(previewing_.begin(), previewing_.end());
  std::sort(held.begin(), held.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [agent, r] : held) give(r, agent);
  previewing_.clear();
  for (const auto& [key, r] : retries_) give(r, std::nullopt);
  retries_.clear();
  for (const Record& r : list_) give(r, std::nullopt);
  list_.clear();
  return out;
}

BufferCounts DialingBuffer::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  BufferCounts c;
  c.lifo = lifo_.size();
  c.lifo_returned = lifo_returned_.size();
  c.list = list_.size();
  c.retry = retries_.size();
  c.previewing = previewing_.size();
  c.in_flight = in_flight_.size();
  c.duplicates_dropped = duplicates_dropped_;
  return c;
}

}  // namespace outpace
