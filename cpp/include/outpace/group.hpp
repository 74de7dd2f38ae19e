// One campaign group: the event contract of outpace. The host reports what happens
// (agents become ready, calls are answered, fail or end) with the time it happened, and
// every event returns the actions it triggers: which records to dial (and for seizing
// modes, with which agent), which answered call to bridge to which agent, which held call
// to drop. The group never reads a clock and never does I/O, so the same code runs live,
// in tests and in the simulator. Every public method is safe to call from several threads.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "outpace/buffer.hpp"
#include "outpace/call_table.hpp"
#include "outpace/call_result.hpp"
#include "outpace/compliance.hpp"
#include "outpace/pacer.hpp"
#include "outpace/seize.hpp"
#include "outpace/settings.hpp"
#include "outpace/stats.hpp"

namespace outpace {

enum class ActionKind : std::uint8_t {
  Dial = 0,  // place call_id to record_id; agent_id >= 0 when an agent is seized for it
  Drop,      // hang up answered call_id: no agent took it within tau (abandoned)
  Bridge,    // connect answered call_id to agent_id
  Hold,      // answered call_id waits for an agent (play the hold message)
  Preview,   // show record_id to agent_id; call_id is the call it becomes if dialed
};

struct Action {
  ActionKind kind;
  std::int64_t call_id;
  std::int64_t record_id;
  std::int64_t agent_id;  // -1: none
};

// The inputs of the predictive decision at a group's last peek() and the model's tables, so
// that the decision can be reproduced outside (reference implementations, analysis).
struct PacerSnapshot {
  std::vector<double> talk_elapsed, wrap_elapsed, ring_elapsed;
  std::int64_t ready = 0, held = 0, max_new_calls = 0;
  double theta = 0.0, inbound_per_second = 0.0, answer_share = 1.0;
  std::vector<double> talk_rows, wrap_rows, ring_rows;
  std::vector<double> new_call, horizon;
  double stay = 1.0, ring_step = 0.5, ignore_longer_than = 0.0, tau = 0.0;
};

// Where a record returned by stop() came from. Retry: a record dialed before that a
// treatment scheduled again (a retry on the same number or the contact's next number),
// due or not yet due when the group stopped; it is not dialed again.
enum class RecordOrigin : std::uint8_t { Inserted = 0, CallingList, Preview, Retry };

struct UndialedRecord {
  std::int64_t record_id;
  RecordOrigin origin;
};

struct GroupMetrics {
  double now = 0.0;
  std::int64_t dials = 0, live_answers = 0, machines = 0, failed = 0, abandoned = 0,
               connects = 0;
  double abandon_rate = 0.0;         // campaign to date, 0..1
  double abandon_rate_window = 0.0;  // the compliance window (30 days US, today UK)
  double abandon_rate_today = 0.0;
  double talk_time = 0.0, wrap_time = 0.0, idle_time = 0.0, not_ready_time = 0.0;  // agent-seconds
  double busy_factor = 0.0;          // (talk + wrap) / (talk + wrap + idle), 0..1
  double agent_wait = 0.0;           // mean idle seconds before each connect
  double distribution_time = 0.0;    // mean seconds from live answer to bridge
  std::int64_t agents_ready = 0, agents_reserved = 0, agents_talking = 0, agents_wrap_up = 0,
               agents_not_ready = 0, calls_dialing = 0, calls_held = 0, calls_in_ivr = 0;
  DialingMode effective_mode = DialingMode::Predictive;
  bool switched_to_progressive = false;
  double theta = 0.0;               // the predictive model's current abandon allowance
  std::int64_t records_waiting = 0;  // not dialed yet: inserted, list and retries (due or not)
  std::int64_t records_retry = 0;    // of which retries scheduled by a treatment
  std::int64_t records_closed = 0;   // records whose treatment closed them
};

// Who calls a group. Shared (the default, and always so from Python): events may come
// from several threads at once; each takes the group's lock, and agents change state by
// compare-and-swap. SingleThread: one thread makes every call, as the simulator does with
// the group it owns; it needs neither, and in a process where other threads run (numpy's
// BLAS pool, say) the uncontended lock alone costs the simulator about a tenth of its time.
enum class Threading : std::uint8_t { Shared, SingleThread };

class CampaignGroup {
 public:
  explicit CampaignGroup(const GroupSettings& settings, Threading threading = Threading::Shared);

  // Agent events.
  void agent_ready(std::int64_t agent, double now, std::vector<Action>& out);
  void agent_not_ready(std::int64_t agent, double now, std::vector<Action>& out);
  // Records: inserted through the API (top of the buffer in LIFO mode) or a calling list.
  // They wait in the group's DialingBuffer (buffer.hpp): each call's end is reported to it
  // with its CallResult and the treatments decide (retry later, next number, close; LIFO
  // mode: one attempt). Record ids must be >= 0. A record already waiting (or previewed,
  // or scheduled for a retry) is refused; a record inserted or added while its call is
  // still in flight is taken when that call ends (unless a retry already brings it back);
  // a full LIFO stack refuses the insert.
  void insert_record(std::int64_t record, double now);
  void add_records(const std::int64_t* records, std::size_t count);
  // How many calling-list records the host should add now (whole batches of the buffer's
  // list_batch, when fewer than its refill_below wait; 0 otherwise): the host reads its
  // list in batches instead of handing over all of it. 0 with an endless list.
  std::int64_t records_wanted() const;
  // With an endless list the group invents record ids (the simulator's campaigns).
  void set_endless_records(bool endless);
  // Time passes: drop held calls past tau, release stale reservations, decide, dial.
  // With decide = false the pacer is skipped (an outside policy places calls with place()).
  void tick(double now, std::vector<Action>& out, bool decide = true);
  // Look-ahead for Dialer::tick, which calls these a few groups ahead of the one it ticks so
  // that its memory is in cache by then: the group's arrays first, then (once those have
  // arrived) the table rows the next decision will read. Hints only: they change nothing,
  // and skip a group whose lock another thread holds.
  void warm_arrays() const;
  void warm_rows(double now) const;
  // Place `calls` calls now regardless of the pacer (outside policies, baselines).
  void place(std::int64_t calls, double now, std::vector<Action>& out);
  struct Counts {
    std::int64_t ready = 0, reserved = 0, talking = 0, wrap_up = 0, not_ready = 0, dialing = 0, held = 0;
  };
  Counts counts() const;
  // Call events.
  void call_answered(std::int64_t call, double now, bool live, std::vector<Action>& out);
  void call_failed(std::int64_t call, double now, CallResult result, std::vector<Action>& out);
  void call_ended(std::int64_t call, double now, std::vector<Action>& out);
  // IVR modes: an answered call in the IVR asks for an agent ("press 0").
  void agent_requested(std::int64_t call, double now, std::vector<Action>& out);
  // Preview modes.
  std::optional<Action> pull(std::int64_t agent, double now);  // Pull Preview
  void preview_dial(std::int64_t agent, double now, std::vector<Action>& out);
  void preview_skip(std::int64_t agent, double now);

  // What tick(now) would decide, without placing calls or changing anything.
  Decision peek(double now);
  PacerSnapshot snapshot() const;  // the learned tables, and what the model saw at the last peek
  GroupMetrics metrics() const;
  Decision last_decision() const;
  GroupSettings settings() const;
  // Apply new settings to the running group, keeping what it learned. Changes the
  // run-time rules forbid (check_running_change) are refused and change nothing.
  void update_settings(const GroupSettings& settings);
  // Stop: every record not dialed, with where it came from. The group accepts no more
  // dials afterwards (events for calls already placed are still taken).
  // Retries still scheduled are returned too (origin Retry). Results of calls in flight are
  // still reported to the buffer; a retry they schedule is returned by a later stop().
  std::vector<UndialedRecord> stop(double now);
  bool stopped() const;

 private:
  struct Agent {
    std::int64_t id;
    double idle_since = 0.0;     // when it last became ready (agent wait accounting)
    double reserved_at = 0.0;
    bool leave_after_call = false;
    std::int64_t preview_record = -1;
    std::int64_t preview_call = -1;
    std::int64_t promised_call = -1;  // Predictive with Seizing: a ringing call it will take
    RecordOrigin preview_origin = RecordOrigin::CallingList;
    bool preview_buffered = false;  // the preview record came from buffer_
  };
  enum class CallPhase : std::uint8_t { Dialing, Held, Talking, Ivr, IvrWaiting };
  static bool is_ivr_phase(CallPhase p) { return p == CallPhase::Ivr || p == CallPhase::IvrWaiting; }
  struct Call {
    std::int64_t record;
    double dialed_at;
    double answered_at = 0.0;
    std::int64_t agent_slot = -1;  // seized or talking agent
    CallPhase phase = CallPhase::Dialing;
    std::size_t dialing_index = 0;  // position in dialing_ while Dialing
    RecordOrigin origin = RecordOrigin::CallingList;
    bool buffered = false;  // the record came from buffer_ (not invented by an endless list)
  };

  // What the predictive model saw at a decision. Only peek() keeps it (for snapshot()): a
  // tick's elapsed times live in per-thread scratch arrays.
  struct Seen {
    PacerState state;
    std::vector<double> talk_elapsed, wrap_elapsed, ring_elapsed;
  };

  // Holds mutex_ for a public method's body, unless the group is Threading::SingleThread.
  // With std::try_to_lock it does not wait: owns() says whether the body may run (always,
  // for a SingleThread group).
  class Lock {
   public:
    explicit Lock(const CampaignGroup& group)
        : mutex_(group.threading_ == Threading::Shared ? &group.mutex_ : nullptr) {
      if (mutex_) mutex_->lock();
    }
    Lock(const CampaignGroup& group, std::try_to_lock_t)
        : mutex_(group.threading_ == Threading::Shared ? &group.mutex_ : nullptr) {
      if (mutex_ && !mutex_->try_lock()) {
        mutex_ = nullptr;
        owns_ = false;
      }
    }
    ~Lock() {
      if (mutex_) mutex_->unlock();
    }
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;
    bool owns() const { return owns_; }

   private:
    std::mutex* mutex_;
    bool owns_ = true;
  };

  // All private helpers expect mutex_ held (a Lock).
  // Every public event runs through event_at: it refuses a bad time, runs the body, and
  // only if the body returns (a refused event throws) moves the group clock to now, so a
  // refused event leaves the group as it was.
  template <class Body>
  auto event_at(double now, const char* event, Body&& body) -> decltype(body()) {
    check_time(now, event);
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      last_now_ = std::max(last_now_, now);
    } else {
      auto result = body();
      last_now_ = std::max(last_now_, now);
      return result;
    }
  }
  // Inline: every event runs it; the refusal (message formatting) is out of line.
  void check_time(double now, const char* event) const {
    if (!(std::isfinite(now) && now >= 0.0 && !(now < last_now_ - 1e-9))) refuse_time(now, event);
  }
  [[noreturn]] void refuse_time(double now, const char* event) const;
  // Appends an action field by field: a braced temporary is built on the stack and
  // reloaded whole, which stalls store forwarding.
  static void emit(std::vector<Action>& out, ActionKind kind, std::int64_t call, std::int64_t record,
                   std::int64_t agent) {
    Action& a = out.emplace_back();
    a.kind = kind;
    a.call_id = call;
    a.record_id = record;
    a.agent_id = agent;
  }
  // Every change of an agent's pool state goes through these two: they account the time
  // spent in the old state and keep the state counts, busy_kind_ and the ready queue in
  // step with the pool.
  AgentSnapshot set_agent(std::size_t slot, AgentState to, std::int64_t call, double now);
  bool move_agent(std::size_t slot, AgentState from, std::int64_t from_call, AgentState to,
                  std::int64_t to_call, double now);
  bool reserve_agent(std::size_t slot, std::int64_t call, double now) {
    return move_agent(slot, AgentState::Ready, -1, AgentState::Reserved, call, now);
  }
  bool release_agent(std::size_t slot, std::int64_t call, double now) {
    return move_agent(slot, AgentState::Reserved, call, AgentState::Ready, -1, now);
  }
  bool bind_agent(std::size_t slot, std::int64_t call, double now) {
    return move_agent(slot, AgentState::Reserved, call, AgentState::Talking, call, now) ||
           move_agent(slot, AgentState::Ready, -1, AgentState::Talking, call, now);
  }
  void moved(std::size_t slot, AgentState from, AgentState to, double now);
  std::int64_t count(AgentState s) const { return state_count_[static_cast<std::size_t>(s)]; }
  std::size_t slot_of(std::int64_t agent, const char* event) const;
  Call& call_of(std::int64_t call, const char* event) {  // a host's id: unknown ones are refused
    if (Call* c = calls_.find(call)) return *c;
    refuse_call(call, event);
  }
  [[noreturn]] void refuse_call(std::int64_t call, const char* event) const;
  Call& live_call(std::int64_t call);                    // an id the group queued: always there
  void serve_held(double now, std::vector<Action>& out);
  void abandon(std::int64_t id, Call& c, double now, std::vector<Action>& out, bool drop);
  void release_seized(Call& c, double now, std::vector<Action>& out);
  void end_talk(std::int64_t call, Call& c, double now);
  void end_answered(std::int64_t call, Call& c, double now, std::vector<Action>& out);
  void steer_on_connect(double agent_wait, double distribution);
  void drop_expired(double now, std::vector<Action>& out);
  void release_stale(double now);
  void bridge(std::int64_t call_id, Call& c, std::size_t slot, double now, std::vector<Action>& out);
  std::optional<std::size_t> longest_idle();  // drops stale ready_queue_ entries
  void remove_dialing(Call& c);
  void finish_call(std::int64_t call_id, CallResult result, double now);
  double buffer_clock(double now);
  RecordOrigin origin_of(std::int64_t record, RecordSource source) const;
  void buffer_insert(std::int64_t record, const char* event);
  void place_calls(std::int64_t n, double now, std::vector<Action>& out, bool seize);
  std::int64_t decide(double now, bool* seize, Seen* seen = nullptr);
  struct Taken {
    std::int64_t record;
    RecordOrigin origin;
    bool buffered;  // from buffer_ (else invented by an endless list)
  };
  std::optional<Taken> next_record(double now);
  void mark_dialed(const Taken& taken);
  void return_record(const Taken& taken);
  void steer_on_answer(double now, bool abandoned);
  void steer_busy(double now);
  void push_previews(double now, std::vector<Action>& out);
  std::optional<Action> hand_preview(std::size_t slot, double now);
  static double initial_log_theta(const GroupSettings& s);
  DialingMode effective_mode() const;
  std::int64_t records_waiting() const;
  std::int64_t records_available(double now) const;

  mutable std::mutex mutex_;
  Threading threading_;
  GroupSettings settings_;
  GroupStats stats_;
  PredictiveModel model_;
  AbandonTracker compliance_;
  AbandonSwitch switch_;
  AgentPool pool_;
  std::vector<Agent> agents_;
  // Beside agents_, for the decision's loop: when each agent's state began, and what the
  // predictive model sees of it (busy_kind_: 1 talking, 2 in a wrap-up it comes back from,
  // 0 otherwise).
  HotVector<double> since_;  // (hot memory: read by every tick, see hot_memory.hpp)
  HotVector<std::uint8_t> busy_kind_;
  std::array<std::int64_t, 6> state_count_{};  // agents per AgentState
  std::int64_t previewing_ = 0;                // agents holding a preview record (Reserved)
  // Ready agents, longest idle first: sorted on (idle_since, slot) from ready_head_ (the
  // entries before it were popped); stale entries (the agent left Ready or was ready again
  // later) are dropped when they reach the head.
  struct ReadyEntry {
    double idle_since;
    std::size_t slot;
  };
  std::vector<ReadyEntry> ready_queue_;
  std::size_t ready_head_ = 0;
  std::unordered_map<std::int64_t, std::size_t> slot_by_id_;
  CallTable<Call> calls_;  // the calls in flight, by the ids the group gives them
  // Calls in an IVR phase (Ivr or IvrWaiting), kept where a call enters or leaves one
  // (call_answered, bridge, finish_call) so that decide() and metrics() need no loop.
  std::int64_t in_ivr_ = 0;
  HotVector<std::int64_t> dialing_;  // calls in flight
  HotVector<double> dialed_at_;      // beside dialing_: when each was placed
  std::deque<std::int64_t> held_;      // answered live calls waiting, oldest first
  std::deque<std::int64_t> ivr_waiting_;
  DialingBuffer buffer_;                        // the records (not the endless ones)
  double buffer_now_ = 0.0;                     // the time last given to buffer_
  std::unordered_set<std::int64_t> waiting_ids_;   // in buffer_, not dialed (waiting, retry, previewed)
  std::unordered_set<std::int64_t> inserted_ids_;  // inserted through the API, not dialed yet
  std::unordered_set<std::int64_t> dialed_ids_;    // buffered records with a call in flight
  // Records inserted or added to the list while their call was in flight, with where they
  // go: taken into buffer_ when that call ends (unless a retry brings them back anyway).
  std::vector<std::pair<std::int64_t, RecordOrigin>> pending_;
  std::vector<std::pair<std::int64_t, RecordOrigin>>::iterator find_pending(std::int64_t record);
  std::int64_t records_closed_ = 0;
  std::deque<std::int64_t> generated_returned_;  // endless records taken and not dialed
  bool endless_ = false;
  std::int64_t next_generated_record_ = 1;
  std::int64_t next_call_ = 1;
  double last_now_ = 0.0;
  double log_theta_;
  double next_power_dial_ = -1.0;
  double busy_recent_ = -1.0;       // exponentially weighted busy share (busy-factor goal)
  double last_tick_ = -1.0;
  bool stopped_ = false;
  Decision last_decision_;
  GroupMetrics totals_;  // counters; states are filled in by metrics()
  double wait_sum_ = 0.0, distribution_sum_ = 0.0;
  std::int64_t ivr_requests_ = 0, ivr_live_ = 0;
  Seen seen_;  // what the predictive model saw at the last peek(), for snapshot()
};

}  // namespace outpace
