// CampaignGroup: agent and call events, the record flow and the time accounting. The
// pacing decision (tick) lives in group_tick.cpp.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include "outpace/group.hpp"

namespace outpace {

namespace {
std::string describe(const char* event, const char* what, std::int64_t id) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s: %s %lld", event, what, static_cast<long long>(id));
  return buf;
}

BufferSettings buffer_settings(const GroupSettings& s) {
  BufferSettings b;
  b.lifo_mode = s.lifo;  // default capacity, batches and treatments
  return b;
}
}  // namespace

CampaignGroup::CampaignGroup(const GroupSettings& settings, Threading threading)
    : threading_(threading), settings_(settings), stats_(settings), compliance_(settings.compliance),
      pool_(threading == Threading::SingleThread), buffer_(buffer_settings(settings)) {
  settings_.validate();
  log_theta_ = initial_log_theta(settings_);
}

double CampaignGroup::initial_log_theta(const GroupSettings& s) {
  // The model's starting allowance, a little under the goal; steering (group_tick.cpp)
  // moves it to wherever the realised rate meets its aim. The simulated tables in
  // docs/ were produced with this start.
  return std::log(s.goal == OptimizationGoal::AbandonRate ? s.goal_value / 100.0 * (5.0 / 6.0) : 0.025);
}

// ---- helpers (mutex_ held) ------------------------------------------------------------

void CampaignGroup::refuse_time(double now, const char* event) const {
  if (!std::isfinite(now) || now < 0.0) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s: now must be a finite time >= 0 in seconds (got %g)", event, now);
    throw std::invalid_argument(buf);
  }
  if (now < last_now_ - 1e-9) {
    char buf[240];
    std::snprintf(buf, sizeof buf,
                  "%s: now=%.6f is before the last event at %.6f; events must come in time order",
                  event, now, last_now_);
    throw std::invalid_argument(buf);
  }
  throw std::logic_error("internal: refuse_time on a valid time");  // never: check_time tested it
}

AgentSnapshot CampaignGroup::set_agent(std::size_t slot, AgentState to, std::int64_t call, double now) {
  const AgentSnapshot old = pool_.set(slot, to, call);
  moved(slot, old.state, to, now);
  return old;
}

bool CampaignGroup::move_agent(std::size_t slot, AgentState from, std::int64_t from_call, AgentState to,
                               std::int64_t to_call, double now) {
  if (!pool_.transition(slot, from, from_call, to, to_call)) return false;
  moved(slot, from, to, now);
  return true;
}

namespace {
// Order on (idle_since, slot): the longest idle agent first, the lowest slot on a tie.
struct EarlierIdle {
  template <class E>
  bool operator()(const E& a, const E& b) const {
    return a.idle_since != b.idle_since ? a.idle_since < b.idle_since : a.slot < b.slot;
  }
};
}  // namespace

void CampaignGroup::moved(std::size_t slot, AgentState from, AgentState to, double now) {
  // Time accounting: the agent-seconds of the state it leaves.
  const double spent = std::max(0.0, now - since_[slot]);
  switch (from) {
    case AgentState::Ready:
    case AgentState::Reserved: totals_.idle_time += spent; break;
    case AgentState::Talking: totals_.talk_time += spent; break;
    case AgentState::WrapUp: totals_.wrap_time += spent; break;
    case AgentState::NotReady: totals_.not_ready_time += spent; break;
    case AgentState::LoggedOut: break;
  }
  since_[slot] = now;
  --state_count_[static_cast<std::size_t>(from)];
  ++state_count_[static_cast<std::size_t>(to)];
  const Agent& a = agents_[slot];
  busy_kind_[slot] = to == AgentState::Talking ? 1 : (to == AgentState::WrapUp && !a.leave_after_call ? 2 : 0);
  if (to == AgentState::Ready) {
    // Stale entries are dropped lazily; rebuild when they outnumber the agents.
    if (ready_queue_.size() - ready_head_ > 2 * agents_.size() + 64) {
      ready_queue_.clear();
      ready_head_ = 0;
      for (std::size_t s = 0; s < agents_.size(); ++s) {
        if (s != slot && pool_.get(s).state == AgentState::Ready) ready_queue_.push_back({agents_[s].idle_since, s});
      }
      std::sort(ready_queue_.begin(), ready_queue_.end(), EarlierIdle{});
    }
    if (ready_head_ >= 64 && 2 * ready_head_ >= ready_queue_.size()) {  // drop the popped prefix
      ready_queue_.erase(ready_queue_.begin(), ready_queue_.begin() + static_cast<std::ptrdiff_t>(ready_head_));
      ready_head_ = 0;
    }
    const ReadyEntry e{a.idle_since, slot};
    // Agents mostly become ready in time order: an append keeps the queue sorted.
    if (ready_queue_.size() == ready_head_ || !EarlierIdle{}(e, ready_queue_.back())) {
      ready_queue_.push_back(e);
    } else {
      const auto first = ready_queue_.begin() + static_cast<std::ptrdiff_t>(ready_head_);
      ready_queue_.insert(std::upper_bound(first, ready_queue_.end(), e, EarlierIdle{}), e);
    }
  }
}

std::size_t CampaignGroup::slot_of(std::int64_t agent, const char* event) const {
  const auto it = slot_by_id_.find(agent);
  if (it == slot_by_id_.end()) throw std::invalid_argument(describe(event, "unknown agent id", agent));
  return it->second;
}

void CampaignGroup::refuse_call(std::int64_t call, const char* event) const {
  throw std::invalid_argument(describe(event, "unknown (or finished) call id", call));
}

CampaignGroup::Call& CampaignGroup::live_call(std::int64_t call) {
  Call* c = calls_.find(call);
  if (c == nullptr) throw std::logic_error("internal: a queued call is not in the call table");  // never
  return *c;
}

void CampaignGroup::remove_dialing(Call& c) {
  const std::size_t i = c.dialing_index;
  const std::int64_t moved = dialing_.back();
  dialing_[i] = moved;
  dialing_.pop_back();
  dialed_at_[i] = dialed_at_.back();
  dialed_at_.pop_back();
  if (i < dialing_.size()) live_call(moved).dialing_index = i;
}

void CampaignGroup::finish_call(std::int64_t call_id, CallResult result, double now) {
  const Call* found = calls_.find(call_id);
  if (found == nullptr) return;
  const Call c = *found;
  calls_.erase(call_id);
  if (is_ivr_phase(c.phase)) --in_ivr_;
  if (!c.buffered) return;
  // The treatment for this result decides what becomes of the record.
  dialed_ids_.erase(c.record);
  const Outcome o = buffer_.report(static_cast<std::uint64_t>(c.record), result, buffer_clock(now));
  const auto again = find_pending(c.record);
  if (o.action != TreatmentAction::Close) {
    waiting_ids_.insert(c.record);  // back in the buffer as a retry
    if (again != pending_.end()) pending_.erase(again);  // the retry brings it back already
    return;
  }
  ++records_closed_;
  if (again == pending_.end()) return;
  if (again->second == RecordOrigin::CallingList) {
    const auto id = static_cast<std::uint64_t>(c.record);
    buffer_.add_list_records(&id, nullptr, 1);  // at the end of the list, as added
    waiting_ids_.insert(c.record);
    pending_.erase(again);
    return;
  }
  try {
    buffer_insert(c.record, "insert_record");
    pending_.erase(again);
  } catch (const std::invalid_argument&) {
    // The LIFO stack is full: the record stays with the group and stop() returns it.
  }
}

std::vector<std::pair<std::int64_t, RecordOrigin>>::iterator CampaignGroup::find_pending(std::int64_t record) {
  return std::find_if(pending_.begin(), pending_.end(), [&](const auto& p) { return p.first == record; });
}

double CampaignGroup::buffer_clock(double now) {
  // The group takes events up to 1e-9 s out of order; the buffer takes none.
  buffer_now_ = std::max(buffer_now_, now);
  return buffer_now_;
}

RecordOrigin CampaignGroup::origin_of(std::int64_t record, RecordSource source) const {
  switch (source) {
    case RecordSource::LifoInsert: return RecordOrigin::Inserted;
    case RecordSource::Retry: return RecordOrigin::Retry;
    case RecordSource::CallingList: break;
  }
  return inserted_ids_.count(record) != 0 ? RecordOrigin::Inserted : RecordOrigin::CallingList;
}

void CampaignGroup::buffer_insert(std::int64_t record, const char* event) {
  if (!buffer_.insert(static_cast<std::uint64_t>(record))) {
    char buf[240];
    std::snprintf(buf, sizeof buf,
                  "%s: the LIFO buffer is full (lifo_capacity %zu records waiting); record %lld was not taken",
                  event, buffer_.settings().lifo_capacity, static_cast<long long>(record));
    throw std::invalid_argument(buf);
  }
  waiting_ids_.insert(record);
  inserted_ids_.insert(record);
}

std::optional<std::size_t> CampaignGroup::longest_idle() {
  while (ready_head_ < ready_queue_.size()) {
    const ReadyEntry& top = ready_queue_[ready_head_];
    if (pool_.get(top.slot).state == AgentState::Ready && agents_[top.slot].idle_since == top.idle_since) {
      return top.slot;
    }
    ++ready_head_;
  }
  ready_queue_.clear();  // all entries stale: reuse the storage from its start
  ready_head_ = 0;
  return std::nullopt;
}

void CampaignGroup::bridge(std::int64_t call_id, Call& c, std::size_t slot, double now,
                           std::vector<Action>& out) {
  Agent& a = agents_[slot];
  if (!bind_agent(slot, call_id, now)) {
    throw std::logic_error("internal: agent was not free to bridge");  // never: checked by callers
  }
  wait_sum_ += now - a.idle_since;
  distribution_sum_ += now - c.answered_at;
  ++totals_.connects;
  c.agent_slot = static_cast<std::int64_t>(slot);
  const bool ivr = is_ivr_phase(c.phase);
  if (ivr) --in_ivr_;
  c.phase = CallPhase::Talking;
  emit(out, ActionKind::Bridge, call_id, c.record, a.id);
  if (!ivr) steer_on_answer(now, false);
  steer_on_connect(now - a.idle_since, now - c.answered_at);
}

void CampaignGroup::serve_held(double now, std::vector<Action>& out) {
  while (!held_.empty() || !ivr_waiting_.empty()) {
    const std::optional<std::size_t> slot = longest_idle();
    if (!slot) return;
    if (!held_.empty()) {
      const std::int64_t id = held_.front();
      held_.pop_front();
      Call& c = live_call(id);
      if (now - c.answered_at <= settings_.tau) {
        bridge(id, c, *slot, now, out);
      } else {
        abandon(id, c, now, out, true);
      }
    } else {
      const std::int64_t id = ivr_waiting_.front();
      ivr_waiting_.pop_front();
      bridge(id, live_call(id), *slot, now, out);
    }
  }
}

void CampaignGroup::abandon(std::int64_t id, Call& c, double now, std::vector<Action>& out, bool drop) {
  compliance_.abandoned(now);
  ++totals_.abandoned;
  if (drop) emit(out, ActionKind::Drop, id, c.record, -1);
  steer_on_answer(now, true);
  finish_call(id, drop ? CallResult::Dropped : CallResult::Abandoned, now);
}

void CampaignGroup::drop_expired(double now, std::vector<Action>& out) {
  while (!held_.empty()) {
    const std::int64_t id = held_.front();
    Call& c = live_call(id);
    if (now - c.answered_at < settings_.tau) return;
    held_.pop_front();
    abandon(id, c, now, out, true);
  }
}

// ---- agent events ---------------------------------------------------------------------

void CampaignGroup::agent_ready(std::int64_t agent, double now, std::vector<Action>& out) {
  const Lock lock(*this);
  return event_at(now, "agent_ready", [&] {
    auto it = slot_by_id_.find(agent);
    if (it == slot_by_id_.end()) {
      const std::size_t slot = pool_.add();
      agents_.push_back(Agent{agent});
      since_.push_back(now);
      busy_kind_.push_back(0);
      ++state_count_[static_cast<std::size_t>(AgentState::LoggedOut)];
      it = slot_by_id_.emplace(agent, slot).first;
    }
    const std::size_t slot = it->second;
    Agent& a = agents_[slot];
    const AgentSnapshot s = pool_.get(slot);
    switch (s.state) {
      case AgentState::Talking:
        throw std::invalid_argument(describe("agent_ready", "agent is talking; report call_ended first for agent", agent));
      case AgentState::Ready:
      case AgentState::Reserved:
        return;  // already available: a documented no-op
      case AgentState::WrapUp:
        stats_.wrap_time.observe(now - since_[slot]);
        stats_.leave_after_wrap.observe(a.leave_after_call);
        if (a.leave_after_call) {
          a.leave_after_call = false;
          set_agent(slot, AgentState::NotReady, -1, now);
          return;
        }
        break;
      case AgentState::LoggedOut:
      case AgentState::NotReady:
        break;
    }
    a.idle_since = now;  // before the move: the ready queue keys on it
    set_agent(slot, AgentState::Ready, -1, now);
    if (a.promised_call >= 0) {
      // Predictive with Seizing promised this agent to a call still ringing: keep it for it.
      Call* c = calls_.find(a.promised_call);
      if (c != nullptr && c->phase == CallPhase::Dialing && reserve_agent(slot, a.promised_call, now)) {
        c->agent_slot = static_cast<std::int64_t>(slot);
        a.reserved_at = now;
      }
      a.promised_call = -1;
    }
    serve_held(now, out);
    if (settings_.mode == DialingMode::PushPreview && !stopped_) {
      if (auto p = hand_preview(slot, now)) out.push_back(*p);
    }
  });
}

void CampaignGroup::agent_not_ready(std::int64_t agent, double now, std::vector<Action>& out) {
  (void)out;  // nothing follows an agent leaving today; the contract returns actions all the same
  const Lock lock(*this);
  return event_at(now, "agent_not_ready", [&] {
    const std::size_t slot = slot_of(agent, "agent_not_ready");
    Agent& a = agents_[slot];
    const AgentSnapshot s = pool_.get(slot);
    switch (s.state) {
      case AgentState::Talking:
      case AgentState::WrapUp:
        if (s.state == AgentState::WrapUp) {
          stats_.wrap_time.observe(now - since_[slot]);
          stats_.leave_after_wrap.observe(true);
          set_agent(slot, AgentState::NotReady, -1, now);
        } else {
          a.leave_after_call = true;  // goes not-ready when its wrap-up ends
        }
        return;
      case AgentState::Reserved:
        if (a.preview_record >= 0) {
          return_record({a.preview_record, a.preview_origin, a.preview_buffered});
          a.preview_record = -1;
          --previewing_;
        } else if (Call* c = calls_.find(s.call)) {
          c->agent_slot = -1;  // the call goes on without its seized agent
        }
        set_agent(slot, AgentState::NotReady, -1, now);
        return;
      case AgentState::Ready:
        set_agent(slot, AgentState::NotReady, -1, now);
        return;
      case AgentState::NotReady:
      case AgentState::LoggedOut:
        return;
    }
  });
}

// ---- records --------------------------------------------------------------------------

namespace {
void check_record_id(std::int64_t record, const char* event, const char* field) {
  if (record < 0) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s: %s must be >= 0 (got %lld)", event, field, static_cast<long long>(record));
    throw std::invalid_argument(buf);
  }
}
}  // namespace

void CampaignGroup::insert_record(std::int64_t record, double now) {
  const Lock lock(*this);
  return event_at(now, "insert_record", [&] {
    check_record_id(record, "insert_record", "record_id");
    // A record waiting twice would be dialed twice.
    if (waiting_ids_.count(record) != 0 || find_pending(record) != pending_.end()) {
      throw std::invalid_argument(describe("insert_record", "record is already waiting to be dialed:", record));
    }
    if (dialed_ids_.count(record) != 0) {
      // Dialed already and its call is still in flight: it may come back (a new attempt),
      // once that call's result has been reported to the buffer.
      pending_.emplace_back(record, RecordOrigin::Inserted);
      return;
    }
    buffer_insert(record, "insert_record");
  });
}

void CampaignGroup::add_records(const std::int64_t* records, std::size_t count) {
  const Lock lock(*this);
  // Check the whole batch first, so that a refused batch adds nothing.
  std::unordered_set<std::int64_t> batch;
  std::vector<std::uint64_t> ids;
  ids.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    char field[64];
    std::snprintf(field, sizeof field, "record_ids[%zu]", i);
    check_record_id(records[i], "add_records", field);
    if (waiting_ids_.count(records[i]) != 0 || find_pending(records[i]) != pending_.end() ||
        !batch.insert(records[i]).second) {
      char buf[200];
      std::snprintf(buf, sizeof buf, "add_records: record_ids[%zu] = %lld is already waiting to be dialed", i,
                    static_cast<long long>(records[i]));
      throw std::invalid_argument(buf);
    }
    // Dialed already and still in flight: it comes back when that call ends (see pending_).
    if (dialed_ids_.count(records[i]) == 0) ids.push_back(static_cast<std::uint64_t>(records[i]));
  }
  buffer_.add_list_records(ids.data(), nullptr, ids.size());
  for (std::size_t i = 0; i < count; ++i) {
    if (dialed_ids_.count(records[i]) != 0) {
      pending_.emplace_back(records[i], RecordOrigin::CallingList);
    } else {
      waiting_ids_.insert(records[i]);
    }
  }
}

void CampaignGroup::set_endless_records(bool endless) {
  const Lock lock(*this);
  endless_ = endless;
}

std::optional<CampaignGroup::Taken> CampaignGroup::next_record(double now) {
  // Buffered records first (LIFO, retries due, list); then, endless, invented ones.
  if (!waiting_ids_.empty()) {
    const std::vector<Dial> d = buffer_.next(buffer_clock(now), 1);
    if (!d.empty()) {
      const auto record = static_cast<std::int64_t>(d.front().record_id);
      return Taken{record, origin_of(record, d.front().source), true};
    }
  }
  if (!generated_returned_.empty()) {
    const std::int64_t record = generated_returned_.front();
    generated_returned_.pop_front();
    return Taken{record, RecordOrigin::CallingList, false};
  }
  if (endless_) return Taken{next_generated_record_++, RecordOrigin::CallingList, false};
  return std::nullopt;
}

void CampaignGroup::return_record(const Taken& taken) {
  if (taken.buffered) {
    buffer_.return_undialed(static_cast<std::uint64_t>(taken.record));  // back where it came from
  } else {
    generated_returned_.push_front(taken.record);  // an endless list's record: first again
  }
}

void CampaignGroup::mark_dialed(const Taken& taken) {
  if (!taken.buffered) return;
  waiting_ids_.erase(taken.record);
  inserted_ids_.erase(taken.record);
  dialed_ids_.insert(taken.record);
}

std::int64_t CampaignGroup::records_available(double now) const {
  // Records the next dial could take now (retries not yet due excluded).
  return static_cast<std::int64_t>(buffer_.available(std::max(now, buffer_now_)) + generated_returned_.size());
}

std::int64_t CampaignGroup::records_wanted() const {
  const Lock lock(*this);
  if (endless_ || stopped_) return 0;
  return static_cast<std::int64_t>(buffer_.list_wanted());
}

std::int64_t CampaignGroup::records_waiting() const {
  const BufferCounts b = buffer_.counts();
  return static_cast<std::int64_t>(b.lifo + b.lifo_returned + b.list + b.retry + pending_.size() +
                                   generated_returned_.size());
}

// ---- call events ----------------------------------------------------------------------

void CampaignGroup::call_answered(std::int64_t call, double now, bool live, std::vector<Action>& out) {
  const Lock lock(*this);
  return event_at(now, "call_answered", [&] {
    Call& c = call_of(call, "call_answered");
    if (c.phase != CallPhase::Dialing) throw std::invalid_argument(describe("call_answered", "call was already answered:", call));
    remove_dialing(c);
    stats_.hit_ratio.observe(live);
    stats_.machine_ratio.observe(!live);
    if (!live) {
      stats_.other_outcome_time.observe(now - c.dialed_at);
      compliance_.machine(now);
      ++totals_.machines;
      release_seized(c, now, out);
      finish_call(call, CallResult::AnsweringMachine, now);
      return;
    }
    stats_.live_answer_time.observe(now - c.dialed_at);
    ++stats_.live_answers;
    ++totals_.live_answers;
    c.answered_at = now;
    if (is_ivr(settings_.mode)) {
      c.phase = CallPhase::Ivr;  // the IVR takes it; an agent only if the caller asks
      ++in_ivr_;
      ++ivr_live_;
      return;
    }
    compliance_.live_answer(now);
    if (c.agent_slot >= 0) {
      const auto slot = static_cast<std::size_t>(c.agent_slot);
      const AgentSnapshot s = pool_.get(slot);
      if (s.state == AgentState::Reserved && s.call == call) {
        bridge(call, c, slot, now, out);
        return;
      }
      c.agent_slot = -1;
    }
    if (const auto slot = longest_idle()) {
      bridge(call, c, *slot, now, out);
      return;
    }
    if (settings_.mode == DialingMode::PredictiveSeizing) {
      // A caller on the line outranks a call still ringing: take an agent engaged for one.
      for (std::size_t slot = 0; slot < agents_.size(); ++slot) {
        const AgentSnapshot s = pool_.get(slot);
        if (s.state != AgentState::Reserved || agents_[slot].preview_record >= 0) continue;
        if (release_agent(slot, s.call, now)) {
          if (Call* other = calls_.find(s.call)) other->agent_slot = -1;
          bridge(call, c, slot, now, out);
          return;
        }
      }
    }
    c.phase = CallPhase::Held;
    held_.push_back(call);
    emit(out, ActionKind::Hold, call, c.record, -1);
    if (settings_.tau == 0.0) drop_expired(now, out);
  });
}

void CampaignGroup::release_seized(Call& c, double now, std::vector<Action>& out) {
  if (c.agent_slot < 0) return;
  const auto slot = static_cast<std::size_t>(c.agent_slot);
  c.agent_slot = -1;
  const AgentSnapshot s = pool_.get(slot);
  if (s.state == AgentState::Reserved && release_agent(slot, s.call, now)) {
    serve_held(now, out);
  }
}

void CampaignGroup::call_failed(std::int64_t call, double now, CallResult result, std::vector<Action>& out) {
  const Lock lock(*this);
  return event_at(now, "call_failed", [&] {
    if (!is_valid(result)) {
      throw std::invalid_argument("call_failed: result must be a CallResult");
    }
    Call& c = call_of(call, "call_failed");
    switch (c.phase) {
      case CallPhase::Dialing:
        if (result == CallResult::Answer || result == CallResult::AnsweringMachine) {
          throw std::invalid_argument(describe("call_failed", "answers are reported with call_answered; call", call));
        }
        remove_dialing(c);
        stats_.other_outcome_time.observe(now - c.dialed_at);
        stats_.hit_ratio.observe(false);
        stats_.machine_ratio.observe(false);
        ++totals_.failed;
        release_seized(c, now, out);
        finish_call(call, result, now);
        return;
      default:
        end_answered(call, c, now, out);
        return;
    }
  });
}

void CampaignGroup::end_answered(std::int64_t call, Call& c, double now, std::vector<Action>& out) {
  switch (c.phase) {
    case CallPhase::Held:
      // The caller hung up (or the line failed) before an agent took the call.
      held_.erase(std::find(held_.begin(), held_.end(), call));
      abandon(call, c, now, out, false);
      return;
    case CallPhase::IvrWaiting:
      ivr_waiting_.erase(std::find(ivr_waiting_.begin(), ivr_waiting_.end(), call));
      finish_call(call, CallResult::Answer, now);
      return;
    case CallPhase::Ivr:
      finish_call(call, CallResult::Answer, now);
      return;
    case CallPhase::Talking:
      end_talk(call, c, now);
      return;
    case CallPhase::Dialing:
      return;  // callers handle calls still dialing
  }
}

void CampaignGroup::end_talk(std::int64_t call, Call& c, double now) {
  const auto slot = static_cast<std::size_t>(c.agent_slot);
  const double talk = now - since_[slot];
  if (!(stats_.ignore_longer_than > 0.0 && talk > stats_.ignore_longer_than)) stats_.talk_time.observe(talk);
  set_agent(slot, AgentState::WrapUp, -1, now);
  finish_call(call, CallResult::Answer, now);
}

void CampaignGroup::call_ended(std::int64_t call, double now, std::vector<Action>& out) {
  const Lock lock(*this);
  return event_at(now, "call_ended", [&] {
    Call& c = call_of(call, "call_ended");
    switch (c.phase) {
      case CallPhase::Dialing:
        throw std::invalid_argument(describe("call_ended", "call was never answered (report call_failed):", call));
      default:
        end_answered(call, c, now, out);
        return;
    }
  });
}

void CampaignGroup::agent_requested(std::int64_t call, double now, std::vector<Action>& out) {
  const Lock lock(*this);
  return event_at(now, "agent_requested", [&] {
    Call& c = call_of(call, "agent_requested");
    if (c.phase != CallPhase::Ivr) {
      throw std::invalid_argument(describe("agent_requested", "call is not in the IVR:", call));
    }
    ++ivr_requests_;
    c.answered_at = now;  // distribution time runs from the request
    c.phase = CallPhase::IvrWaiting;
    ivr_waiting_.push_back(call);
    serve_held(now, out);
    if (c.phase == CallPhase::IvrWaiting) emit(out, ActionKind::Hold, call, c.record, -1);
  });
}

// ---- preview --------------------------------------------------------------------------

std::optional<Action> CampaignGroup::hand_preview(std::size_t slot, double now) {
  Agent& a = agents_[slot];
  if (a.preview_record >= 0 || pool_.get(slot).state != AgentState::Ready) return std::nullopt;
  const auto rec = next_record(now);
  if (!rec) return std::nullopt;
  const std::int64_t call = next_call_++;
  if (!reserve_agent(slot, call, now)) {
    return_record(*rec);
    return std::nullopt;
  }
  a.preview_record = rec->record;
  ++previewing_;
  a.preview_origin = rec->origin;
  a.preview_buffered = rec->buffered;
  a.preview_call = call;
  return Action{ActionKind::Preview, call, rec->record, a.id};
}

std::optional<Action> CampaignGroup::pull(std::int64_t agent, double now) {
  const Lock lock(*this);
  return event_at(now, "pull", [&]() -> std::optional<Action> {
    if (settings_.mode != DialingMode::PullPreview) {
      throw std::invalid_argument("pull: the group is not in pull_preview mode");
    }
    const std::size_t slot = slot_of(agent, "pull");
    if (stopped_) return std::nullopt;
    return hand_preview(slot, now);
  });
}

void CampaignGroup::preview_dial(std::int64_t agent, double now, std::vector<Action>& out) {
  const Lock lock(*this);
  return event_at(now, "preview_dial", [&] {
    const std::size_t slot = slot_of(agent, "preview_dial");
    Agent& a = agents_[slot];
    if (a.preview_record < 0) throw std::invalid_argument(describe("preview_dial", "agent has no record to preview:", agent));
    Call c{a.preview_record, now};
    c.agent_slot = static_cast<std::int64_t>(slot);
    c.origin = a.preview_origin;
    c.buffered = a.preview_buffered;
    mark_dialed({a.preview_record, a.preview_origin, a.preview_buffered});
    c.dialing_index = dialing_.size();
    dialing_.push_back(a.preview_call);
    dialed_at_.push_back(now);
    calls_.insert(a.preview_call, c);
    ++totals_.dials;
    ++stats_.dials;
    a.reserved_at = now;
    emit(out, ActionKind::Dial, a.preview_call, a.preview_record, a.id);
    a.preview_record = -1;
    --previewing_;
    a.preview_call = -1;
  });
}

void CampaignGroup::preview_skip(std::int64_t agent, double now) {
  const Lock lock(*this);
  return event_at(now, "preview_skip", [&] {
    const std::size_t slot = slot_of(agent, "preview_skip");
    Agent& a = agents_[slot];
    if (a.preview_record < 0) throw std::invalid_argument(describe("preview_skip", "agent has no record to preview:", agent));
    return_record({a.preview_record, a.preview_origin, a.preview_buffered});
    release_agent(slot, a.preview_call, now);
    a.preview_record = -1;
    --previewing_;
    a.preview_call = -1;
  });
}

// ---- stop, settings, metrics ----------------------------------------------------------

std::vector<UndialedRecord> CampaignGroup::stop(double now) {
  const Lock lock(*this);
  return event_at(now, "stop", [&] {
    stopped_ = true;
    std::vector<UndialedRecord> out;
    const auto take_buffer = [&] {
      for (const ReturnedRecord& r : buffer_.stop()) {
        const auto record = static_cast<std::int64_t>(r.record_id);
        out.push_back({record, origin_of(record, r.source)});
        waiting_ids_.erase(record);
        inserted_ids_.erase(record);
      }
    };
    // LIFO (top first), retries (by due time), then the calling list in order.
    take_buffer();
    for (const auto& [record, origin] : pending_) out.push_back({record, origin});
    pending_.clear();
    for (const std::int64_t record : generated_returned_) out.push_back({record, RecordOrigin::CallingList});
    generated_returned_.clear();
    // Then the records agents were previewing.
    bool previewed = false;
    for (std::size_t slot = 0; slot < agents_.size(); ++slot) {
      Agent& a = agents_[slot];
      if (a.preview_record >= 0) {
        if (a.preview_buffered) {
          buffer_.return_undialed(static_cast<std::uint64_t>(a.preview_record));
          previewed = true;
        } else {
          out.push_back({a.preview_record, a.preview_origin});
        }
        release_agent(slot, a.preview_call, now);
        a.preview_record = -1;
        --previewing_;
        a.preview_call = -1;
      }
    }
    if (previewed) take_buffer();
    return out;
  });
}

bool CampaignGroup::stopped() const {
  const Lock lock(*this);
  return stopped_;
}

GroupSettings CampaignGroup::settings() const {
  const Lock lock(*this);
  return settings_;
}

void CampaignGroup::update_settings(const GroupSettings& s) {
  s.validate();
  const Lock lock(*this);
  check_running_change(settings_, s);
  if (s.lifo != settings_.lifo) {
    throw std::invalid_argument("lifo cannot change on a running group: its dialing buffer was built for lifo=" +
                                std::string(settings_.lifo ? "true" : "false"));
  }
  const bool goal_changed = s.goal != settings_.goal || s.goal_value != settings_.goal_value;
  settings_ = s;
  stats_.apply(s);
  compliance_.set_regime(s.compliance);
  if (goal_changed) {
    log_theta_ = initial_log_theta(s);
  }
}

Decision CampaignGroup::last_decision() const {
  const Lock lock(*this);
  return last_decision_;
}

GroupMetrics CampaignGroup::metrics() const {
  const Lock lock(*this);
  GroupMetrics m = totals_;
  m.now = last_now_;
  // Add the time each agent has spent in its current state so far.
  for (std::size_t slot = 0; slot < agents_.size(); ++slot) {
    const AgentSnapshot s = pool_.get(slot);
    const double spent = std::max(0.0, last_now_ - since_[slot]);
    switch (s.state) {
      case AgentState::Ready: ++m.agents_ready; m.idle_time += spent; break;
      case AgentState::Reserved: ++m.agents_reserved; m.idle_time += spent; break;
      case AgentState::Talking: ++m.agents_talking; m.talk_time += spent; break;
      case AgentState::WrapUp: ++m.agents_wrap_up; m.wrap_time += spent; break;
      case AgentState::NotReady: ++m.agents_not_ready; m.not_ready_time += spent; break;
      case AgentState::LoggedOut: break;
    }
  }
  const double worked = m.talk_time + m.wrap_time;
  m.busy_factor = worked + m.idle_time > 0.0 ? worked / (worked + m.idle_time) : 0.0;
  m.agent_wait = m.connects > 0 ? wait_sum_ / static_cast<double>(m.connects) : 0.0;
  m.distribution_time = m.connects > 0 ? distribution_sum_ / static_cast<double>(m.connects) : 0.0;
  m.abandon_rate = compliance_.campaign_rate();
  m.abandon_rate_window = compliance_.window_rate(last_now_);
  m.abandon_rate_today = compliance_.day_rate(last_now_);
  m.calls_dialing = static_cast<std::int64_t>(dialing_.size());
  m.calls_held = static_cast<std::int64_t>(held_.size());
  m.calls_in_ivr = in_ivr_;
  m.effective_mode = effective_mode();
  m.switched_to_progressive = switch_.switched();
  m.theta = std::exp(log_theta_);
  m.records_waiting = records_waiting();
  m.records_retry = static_cast<std::int64_t>(buffer_.counts().retry);
  m.records_closed = records_closed_;
  return m;
}

}  // namespace outpace
