// The event loop of the campaign simulator. Days start at multiples of 86,400 s; agents
// work their shifts; the pacer (or a baseline policy) decides every `tick` seconds.
#include "outpace/sim/simulator.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <deque>
#include <unordered_map>

#include "outpace/group.hpp"

namespace outpace::sim {

namespace {

constexpr double kDay = 86400.0;
constexpr double kPreviewTime = 5.0;  // s an agent looks at a previewed record before dialing

// Preview modes (Push and Pull Preview). A Preview action (pushed by the group's tick
// or agent_ready, or returned by pull) reserves the agent, who looks at the record for
// kPreviewTime and then always dials it: a PreviewDial event names the preview's call id
// and the agent, so a preview that ended meanwhile is recognised and its PreviewDial
// ignored. A preview ends without a dial when the agent leaves (a break or the end of its
// shift): the simulator reports agent_not_ready, the group takes the record back, and a
// preview_dial then would be an error by the group's contract. An agent who has dialed is
// on that call (reserved for it until its outcome, then talking if answered) and leaves
// when it is over, as a busy agent does; so a preview call always has its agent and is
// never abandoned. After a call that was not answered live the agent is ready again.
// Pull Preview: the simulator pulls as a host's agent desktop would, for each agent as
// soon as it is ready (coming on, back from a break, after a wrap-up, after a preview call
// that was not answered, after an inbound call); an agent whose pull found no record asks
// again at each tick.

enum class Ev : std::uint8_t { Tick, Outcome, TalkEnd, WrapEnd, Available, Away, Inbound, InboundEnd, Arrival, PreviewDial };

// Earliest first, then in the order scheduled. Ticks are not queued (see next_event): at
// the same instant the pacing decision comes before other events (an outcome at exactly t
// is seen by the decision at t + tick, as in the reference model). As one 128-bit number
// the comparison needs no branch: times are never negative, and the bits of a
// non-negative double order as its value does (+ 0.0 turns -0.0 into 0.0). The bits are
// stored, so a comparison is two loads.
std::uint64_t time_bits(double t) {
  t += 0.0;
  std::uint64_t bits = 0;
  std::memcpy(&bits, &t, sizeof bits);
  return bits;
}

// 32 bytes, so two share a cache line in the queue.
struct Event {
  std::uint64_t t_bits;  // time_bits(t)
  std::uint64_t seq;
  std::int64_t id;   // call, agent or day
  std::int32_t aux;  // outcome, agent, or a tick's index within its day
  Ev kind;
  Event() = default;
  Event(double t, std::uint64_t s, std::int64_t i, std::int32_t a, Ev k)
      : t_bits(time_bits(t)), seq(s), id(i), aux(a), kind(k) {}
  double t() const {
    double v = 0.0;
    std::memcpy(&v, &t_bits, sizeof v);
    return v;
  }
};
using Key = unsigned __int128;
Key key(const Event& e) { return static_cast<Key>(e.t_bits) << 64 | e.seq; }
bool before(const Event& a, const Event& b) { return key(a) < key(b); }

// static_cast<size_t>(t / width) for a time t that only grows, without a division each
// time: the index holds until the first time at which that division gives the next one,
// found once per index with the same division, so the index is always what it would give.
class Slab {
 public:
  explicit Slab(double width) : width_(width) {}
  std::size_t at(double t) {
    if (t >= until_) advance(t);
    return index_;
  }

 private:
  std::size_t of(double t) const { return static_cast<std::size_t>(t / width_); }
  void advance(double t) {
    index_ = of(t);
    const std::size_t next = index_ + 1;
    double c = static_cast<double>(next) * width_;
    if (of(c) >= next) {
      for (double p = std::nextafter(c, 0.0); of(p) >= next; p = std::nextafter(p, 0.0)) c = p;
    } else {
      while (of(c) < next) c = std::nextafter(c, HUGE_VAL);
    }
    until_ = c;
  }

  double width_;
  std::size_t index_ = 0;
  double until_ = -HUGE_VAL;
};

// A 4-ary min-heap on `before`: half the levels of a binary heap, and the four children
// of a node sit side by side. The order is total (seq is unique), so which heap holds the
// events does not change the order they come out in.
class EventQueue {
 public:
  bool empty() const { return heap_.empty(); }
  const Event& top() const { return heap_.front(); }
  // Takes the fields, not an Event: copying an Event just built field by field on the
  // stack reloads it whole, which stalls store forwarding.
  void push(std::uint64_t t_bits, std::uint64_t seq, std::int64_t id, std::int32_t aux, Ev kind) {
    const Key k = static_cast<Key>(t_bits) << 64 | seq;
    std::size_t i = heap_.size();
    heap_.emplace_back();
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!(k < key(heap_[parent]))) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    Event& e = heap_[i];
    e.t_bits = t_bits;
    e.seq = seq;
    e.id = id;
    e.aux = aux;
    e.kind = kind;
  }
  void pop() {
    const Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return;
    const Key last_key = key(last);
    std::size_t i = 0;
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t least = first;
      Key least_key = key(heap_[first]);
      for (std::size_t c = first + 1; c < std::min(first + 4, n); ++c) {
        const Key k = key(heap_[c]);
        if (k < least_key) {
          least = c;
          least_key = k;
        }
      }
      if (!(least_key < last_key)) break;
      heap_[i] = heap_[least];
      i = least;
    }
    heap_[i] = last;
  }

 private:
  std::vector<Event> heap_;
};

enum class Outcome : std::int32_t { Live = 0, Machine, Busy, NoAnswer, Invalid };
enum class AgentSim : std::uint8_t { Off, Ready, Reserved, Busy, Inbound };

class Run {
 public:
  Run(const Scenario& sc, const Policy& pol)
      : sc_(sc), pol_(pol), rng_(sc.seed), live_(sc.live_time), machine_(sc.machine_time),
        busy_(sc.busy_time), no_answer_(sc.no_answer_time), invalid_(sc.invalid_time),
        talk_(sc.talk), wrap_(sc.wrap), inbound_talk_(sc.inbound_talk),
        group_(group_settings(sc, pol), Threading::SingleThread), agents_(static_cast<std::size_t>(sc.agents), AgentSim::Off),
        available_(static_cast<std::size_t>(sc.agents), false),
        preview_call_(static_cast<std::size_t>(sc.agents), -1),
        preview_dialed_(static_cast<std::size_t>(sc.agents), false),
        pull_mode_(pol.kind == Policy::Kind::Group && pol.settings.mode == DialingMode::PullPreview) {
    group_.set_endless_records(true);
    result_.days.resize(static_cast<std::size_t>(sc.days));
  }

  SimResult run(const std::function<void(double)>& progress) {
    for (std::int32_t d = 0; d < sc_.days; ++d) schedule_day(d);
    std::sort(calendar_.begin(), calendar_.end(), before);
    Event e;
    while (next_event(e)) {
      now_ = e.t();
      handle(e);
      if (progress && e.kind == Ev::Tick && e.aux == 1) {
        progress(std::min(1.0, (now_ / kDay + 1.0) / static_cast<double>(sc_.days)));
      }
    }
    return std::move(result_);
  }

 private:
  static GroupSettings group_settings(const Scenario& sc, const Policy& pol) {
    GroupSettings s = pol.kind == Policy::Kind::Group ? pol.settings : GroupSettings{};
    if (pol.kind != Policy::Kind::Group) s.mode = DialingMode::Progressive;  // routing only
    s.tau = sc.tau;
    if (pol.kind == Policy::Kind::Group && sc.inbound_per_hour > 0.0 && s.inbound_calls_per_hour == 0.0) {
      s.inbound_calls_per_hour = sc.inbound_per_hour;
    }
    return s;
  }

  void push(double t, Ev kind, std::int64_t id = 0, std::int32_t aux = 0) {
    queue_.push(time_bits(t), seq_++, id, aux, kind);
  }

  // Events come from three sources: the one pending tick, the calendar of shift edges and
  // first arrivals fixed at the start (sorted), and the queue of everything scheduled
  // since. Calendar events were scheduled before any queued one, so (t, seq) orders them
  // as one queue holding both would; a tick goes first among events at its instant. Only
  // what is pending sits in the queue, which keeps it small.
  bool next_event(Event& e) {
    const Event* first = queue_.empty() ? nullptr : &queue_.top();
    const bool from_calendar = next_cal_ < calendar_.size() && (!first || before(calendar_[next_cal_], *first));
    if (from_calendar) first = &calendar_[next_cal_];
    if (tick_day_ < sc_.days && (!first || tick_time() <= first->t())) {
      e = Event{tick_time(), 0, tick_day_, tick_, Ev::Tick};
      if (tick_ < ticks_per_day_) {
        ++tick_;
      } else {
        ++tick_day_;
        tick_ = 1;
      }
      return true;
    }
    if (!first) return false;
    e = *first;
    if (from_calendar) {
      ++next_cal_;
    } else {
      queue_.pop();
    }
    return true;
  }

  double tick_time() const { return static_cast<double>(tick_day_) * kDay + static_cast<double>(tick_) * sc_.tick; }

  void schedule(double t, Ev kind, std::int64_t id) { calendar_.push_back(Event{t, seq_++, id, 0, kind}); }

  DayResult& day() { return result_.days[std::min(result_.days.size() - 1, day_of_.at(now_))]; }
  SeriesPoint& point() { return point_number(interval_of_.at(now_)); }
  SeriesPoint& point_at(double t) { return point_number(static_cast<std::size_t>(t / sc_.series_interval)); }
  SeriesPoint& point_number(std::size_t i) {
    while (result_.series.size() <= i) {
      SeriesPoint p;
      p.time = static_cast<double>(result_.series.size() + 1) * sc_.series_interval;
      result_.series.push_back(p);
    }
    return result_.series[i];
  }

  void schedule_day(std::int32_t d) {
    const double t0 = d * kDay;
    for (std::int32_t a = 0; a < sc_.agents; ++a) {
      double start = 0.0, end = sc_.day_length;
      std::vector<std::pair<double, double>> breaks;
      if (!sc_.shifts.empty()) {
        const Shift& s = sc_.shifts[static_cast<std::size_t>(a)];
        start = s.start;
        end = s.end;
        breaks = s.breaks;
      }
      double staffed = end - start;
      schedule(t0 + start, Ev::Available, a);
      for (const auto& [b0, b1] : breaks) {
        schedule(t0 + b0, Ev::Away, a);
        schedule(t0 + b1, Ev::Available, a);
        staffed -= b1 - b0;
      }
      schedule(t0 + end, Ev::Away, a);
      result_.days[static_cast<std::size_t>(d)].staffed += staffed;
    }
    // Arrivals are chained (each schedules the next) so the event queue holds only what
    // is pending; each day's first arrival is drawn here, in the order the seed fixes.
    if (sc_.inbound_per_hour > 0.0) chain_arrival(Ev::Inbound, t0, d, sc_.inbound_per_hour / 3600.0, true);
    if (pol_.kind == Policy::Kind::PoissonAnswers) chain_arrival(Ev::Arrival, t0, d, pol_.answer_rate, true);
  }

  // The next arrival of a Poisson stream after `from`, if it falls within day d.
  void chain_arrival(Ev kind, double from, std::int64_t d, double rate, bool first = false) {
    const double t = from + rng_.exponential() / rate;
    if (t >= static_cast<double>(d) * kDay + sc_.day_length) return;
    if (first) {
      schedule(t, kind, d);
    } else {
      push(t, kind, d);
    }
  }

  void handle(const Event& e) {
    actions_.clear();
    switch (e.kind) {
      case Ev::Tick: on_tick(); break;
      case Ev::Outcome: on_outcome(e.id, static_cast<Outcome>(e.aux)); break;
      case Ev::TalkEnd:
        ++result_.events;
        group_.call_ended(e.id, now_, actions_);
        wrap_start(e.aux);
        break;
      case Ev::WrapEnd:
      case Ev::InboundEnd:
        if (e.kind == Ev::WrapEnd) ++result_.events;
        agent_free(e.id);
        break;
      case Ev::Available: {
        const auto a = static_cast<std::size_t>(e.id);
        available_[a] = true;
        if (agents_[a] == AgentSim::Off) agent_free(e.id);
        break;
      }
      case Ev::Away: {
        const auto a = static_cast<std::size_t>(e.id);
        available_[a] = false;
        if (preview_dialed_[a]) break;  // on its preview call: leaves when the call is over
        if (agents_[a] == AgentSim::Ready || agents_[a] == AgentSim::Reserved) {
          group_.agent_not_ready(e.id, now_, actions_);  // a preview record goes back
          agents_[a] = AgentSim::Off;
          preview_call_[a] = -1;
        }
        break;
      }
      case Ev::Inbound:
        on_inbound();
        chain_arrival(Ev::Inbound, now_, e.id, sc_.inbound_per_hour / 3600.0);
        break;
      case Ev::Arrival:
        group_.place(1, now_, actions_);
        chain_arrival(Ev::Arrival, now_, e.id, pol_.answer_rate);
        break;
      case Ev::PreviewDial: preview_dial(e.id, e.aux); break;
    }
    apply();
    if (pull_mode_) pull_ready();
  }

  // An agent who looked at a record for kPreviewTime dials it, unless that preview ended
  // meanwhile (the agent left and the group took the record back): then the event is stale.
  void preview_dial(std::int64_t call, std::int32_t agent) {
    const auto a = static_cast<std::size_t>(agent);
    if (preview_call_[a] != call || preview_dialed_[a] || agents_[a] != AgentSim::Reserved) return;
    group_.preview_dial(agent, now_, actions_);
    preview_dialed_[a] = true;
    preview_dials_.emplace(call, agent);
  }

  void start_preview(const Action& p) {
    const auto a = static_cast<std::size_t>(p.agent_id);
    agents_[a] = AgentSim::Reserved;
    preview_call_[a] = p.call_id;
    preview_dialed_[a] = false;
    push(now_ + kPreviewTime, Ev::PreviewDial, p.call_id, static_cast<std::int32_t>(p.agent_id));  // agents <= 100,000
  }

  // The outcome of a preview call: answered live, the group bridges it to its agent (apply
  // makes the agent busy); otherwise the agent is ready again, or leaves if it is away.
  void preview_outcome(std::int64_t call, std::int64_t agent, Outcome o) {
    const auto a = static_cast<std::size_t>(agent);
    if (preview_call_[a] != call) return;
    preview_call_[a] = -1;
    preview_dialed_[a] = false;
    if (o == Outcome::Live || agents_[a] != AgentSim::Reserved) return;
    if (available_[a]) {
      agents_[a] = AgentSim::Ready;
      if (pull_mode_) to_pull_.push_back(agent);
    } else {
      group_.agent_not_ready(agent, now_, actions_);
      agents_[a] = AgentSim::Off;
    }
  }

  // Pull Preview: each agent that became ready asks for a record.
  void pull_ready() {
    for (const std::int64_t agent : to_pull_) {
      if (agents_[static_cast<std::size_t>(agent)] != AgentSim::Ready) continue;
      if (const auto p = group_.pull(agent, now_)) {
        start_preview(*p);
      } else {
        pull_again_.push_back(agent);
      }
    }
    to_pull_.clear();
  }

  void on_tick() {
    if (pull_mode_) {  // agents who asked and found nothing ask again
      std::sort(pull_again_.begin(), pull_again_.end());
      pull_again_.erase(std::unique(pull_again_.begin(), pull_again_.end()), pull_again_.end());
      to_pull_.swap(pull_again_);
    }
    const bool own = pol_.kind == Policy::Kind::Group;
    group_.tick(now_, actions_, own);
    if (!own && pol_.kind != Policy::Kind::PoissonAnswers) {
      const std::int64_t n = baseline_calls();
      if (n > 0) group_.place(n, now_, actions_);
    }
  }

  std::int64_t baseline_calls() {
    const CampaignGroup::Counts c = group_.counts();
    const std::int64_t logged_in = c.ready + c.reserved + c.talking + c.wrap_up;
    switch (pol_.kind) {
      case Policy::Kind::FixedRatio: {
        // Lines for the agents waiting, less the calls already ringing for them.
        const auto goal = static_cast<std::int64_t>(std::llround(pol_.ratio * static_cast<double>(c.ready)));
        return goal - c.dialing;
      }
      case Policy::Kind::AdaptiveDialLevel: return adaptive(c, logged_in);
      case Policy::Kind::Threshold: {
        if (c.ready < pol_.threshold) return 0;
        return static_cast<std::int64_t>(std::floor(pol_.multiplier * static_cast<double>(c.ready))) - c.dialing;
      }
      default: return 0;
    }
  }

  // VICIdial's adaptive dial level (shared/validation/pacing.md): 15 one-second samples,
  // a new level every 15 s; halved when over 20 calls in the last minute dropped more than
  // half; forced to 1.0 while today's drops exceed the limit (after 50 calls). Like
  // VICIdial's dialer it sizes lines on the agents ready or in a call and counts the calls
  // connected to agents among the calls in progress: round(level x (ready + talking)) -
  // (ringing + waiting + talking), which is Progressive at level 1.
  std::int64_t adaptive(const CampaignGroup::Counts& c, std::int64_t logged_in) {
    samples_.push_back({static_cast<double>(c.ready), static_cast<double>(c.held), static_cast<double>(logged_in)});
    if (samples_.size() > 15) samples_.pop_front();
    const DayResult& d = day();
    if (now_ >= minute_mark_ + 60.0) {  // drop statistics, recomputed every minute
      minute_dials_ = d.dials - minute_start_[0];
      minute_drops_ = d.abandoned - minute_start_[1];
      minute_live_ = d.live_answers - minute_start_[2];
      minute_start_ = {d.dials, d.abandoned, d.live_answers};
      minute_mark_ = now_;
    }
    if (++since_adapt_ >= 15) {
      since_adapt_ = 0;
      double r = 0, w = 0, n = 0;
      for (const auto& s : samples_) {
        r += s[0];
        w += s[1];
        n += s[2];
      }
      const double k = static_cast<double>(samples_.size());
      level_ = adaptive_dial_level_step(level_, (r - w) / k, n / k, pol_.diff_target, pol_.intensity, pol_.max_level);
      if (minute_dials_ > 20 && minute_live_ > 0 && 2 * minute_drops_ > minute_live_) level_ = std::max(1.0, level_ / 2.0);
      if (d.dials > 50 && d.live_answers > 0 &&
          100.0 * static_cast<double>(d.abandoned) / static_cast<double>(d.live_answers) > pol_.drop_limit) {
        level_ = 1.0;  // ADAPT_HARD_LIMIT
      }
    }
    const auto goal = static_cast<std::int64_t>(std::llround(level_ * static_cast<double>(c.ready + c.talking)));
    return goal - c.dialing - c.held - c.talking;
  }

  void on_outcome(std::int64_t call, Outcome o) {
    ++result_.events;
    switch (o) {
      case Outcome::Live:
        ++day().live_answers;
        ++point().live_answers;
        group_.call_answered(call, now_, true, actions_);
        break;
      case Outcome::Machine:
        ++day().machines;
        group_.call_answered(call, now_, false, actions_);
        break;
      case Outcome::Busy: group_.call_failed(call, now_, CallResult::Busy, actions_); break;
      case Outcome::NoAnswer: group_.call_failed(call, now_, CallResult::NoAnswer, actions_); break;
      case Outcome::Invalid: group_.call_failed(call, now_, CallResult::InvalidNumber, actions_); break;
    }
    if (seized_.empty()) {
      // Nothing seized (most modes): no lookup.
    } else if (o != Outcome::Live) {
      // A seized agent whose call failed is free again (the group released it).
      if (const auto it = seized_.find(call); it != seized_.end()) {
        if (agents_[static_cast<std::size_t>(it->second)] == AgentSim::Reserved) {
          agents_[static_cast<std::size_t>(it->second)] = AgentSim::Ready;
        }
        seized_.erase(it);
      }
    } else {
      seized_.erase(call);
    }
    if (!preview_dials_.empty()) {
      if (const auto it = preview_dials_.find(call); it != preview_dials_.end()) {
        const std::int64_t agent = it->second;
        preview_dials_.erase(it);
        preview_outcome(call, agent, o);
      }
    }
  }

  void on_inbound() {
    // An inbound call takes a ready agent at once (the group sees the agent go not-ready),
    // or waits for the next agent to come free.
    for (std::size_t a = 0; a < agents_.size(); ++a) {
      if (agents_[a] == AgentSim::Ready) {
        const auto id = static_cast<std::int64_t>(a);
        group_.agent_not_ready(id, now_, actions_);
        start_inbound(id);
        return;
      }
    }
    ++inbound_waiting_;
  }

  void start_inbound(std::int64_t agent) {
    agents_[static_cast<std::size_t>(agent)] = AgentSim::Inbound;
    push(now_ + inbound_talk_(rng_), Ev::InboundEnd, agent);
  }

  // Work from now for `duration` seconds, spread over the series intervals it covers.
  void add_work(double duration) {
    double t = now_;
    const double end = now_ + duration;
    if (!(t < end)) return;
    // The first piece from now: floor(now / interval) is the cached index.
    const std::size_t i = interval_of_.at(now_);
    double edge = (static_cast<double>(i) + 1.0) * sc_.series_interval;
    double piece = std::min(end, edge) - t;
    point_number(i).work += piece;
    t += piece;
    while (t < end) {
      edge = (std::floor(t / sc_.series_interval) + 1.0) * sc_.series_interval;
      piece = std::min(end, edge) - t;
      point_at(t).work += piece;
      t += piece;
    }
  }

  // The part of work starting now that falls within the working day (busy factor is
  // work during the day over staffed time).
  double within_day(double duration) {
    const double end_of_day = static_cast<double>(day_of_.at(now_)) * kDay + sc_.day_length;  // floor(now / kDay)
    return std::clamp(end_of_day - now_, 0.0, duration);
  }

  void wrap_start(std::int64_t agent) {
    const double w = wrap_(rng_);
    day().wrap += within_day(w);
    add_work(within_day(w));
    push(now_ + w, Ev::WrapEnd, agent);
  }

  void agent_free(std::int64_t agent) {
    const auto a = static_cast<std::size_t>(agent);
    if (!available_[a]) {
      if (agents_[a] == AgentSim::Busy || agents_[a] == AgentSim::Inbound) {
        group_.agent_not_ready(agent, now_, actions_);
      }
      agents_[a] = AgentSim::Off;
      return;
    }
    if (inbound_waiting_ > 0) {
      --inbound_waiting_;
      if (agents_[a] == AgentSim::Busy) group_.agent_not_ready(agent, now_, actions_);
      start_inbound(agent);
      return;
    }
    agents_[a] = AgentSim::Ready;
    group_.agent_ready(agent, now_, actions_);
    if (pull_mode_) to_pull_.push_back(agent);
  }

  Outcome draw_outcome(double& delay) {
    const double live = sc_.live_drift.empty() ? sc_.p_live : sc_.live_probability(std::fmod(now_, kDay) / sc_.day_length);
    const double rest = sc_.p_machine + sc_.p_busy + sc_.p_no_answer + sc_.p_invalid;
    double u = rng_.uniform();
    if (u < live) {
      delay = live_(rng_);
      if (sc_.amd_false_positive > 0.0 && rng_.uniform() < sc_.amd_false_positive) return Outcome::Machine;
      return Outcome::Live;
    }
    // The other outcomes share what is left in their configured proportions.
    u = (u - live) / (1.0 - live) * rest;
    if ((u -= sc_.p_machine) < 0.0) { delay = machine_(rng_); return Outcome::Machine; }
    if ((u -= sc_.p_busy) < 0.0) { delay = busy_(rng_); return Outcome::Busy; }
    if ((u -= sc_.p_no_answer) < 0.0) { delay = no_answer_(rng_); return Outcome::NoAnswer; }
    delay = invalid_(rng_);
    return Outcome::Invalid;
  }

  void apply() {
    // Actions may trigger more work only through events, so one pass suffices.
    for (const Action& a : actions_) {
      switch (a.kind) {
        case ActionKind::Dial: {
          ++result_.events;
          ++day().dials;
          ++point().dials;
          if (a.agent_id >= 0 && agents_[static_cast<std::size_t>(a.agent_id)] == AgentSim::Ready) {
            agents_[static_cast<std::size_t>(a.agent_id)] = AgentSim::Reserved;
            seized_[a.call_id] = a.agent_id;
          }
          if (pol_.kind == Policy::Kind::PoissonAnswers) {
            push(now_, Ev::Outcome, a.call_id, static_cast<std::int32_t>(Outcome::Live));
          } else {
            double delay = 0.0;
            const Outcome o = draw_outcome(delay);
            push(now_ + delay, Ev::Outcome, a.call_id, static_cast<std::int32_t>(o));
          }
          break;
        }
        case ActionKind::Bridge: {
          ++result_.events;
          ++day().connects;
          ++point().connects;
          agents_[static_cast<std::size_t>(a.agent_id)] = AgentSim::Busy;
          const double t = talk_(rng_);
          day().talk += within_day(t);
          add_work(within_day(t));
          push(now_ + t, Ev::TalkEnd, a.call_id, static_cast<std::int32_t>(a.agent_id));  // agents <= 100,000
          break;
        }
        case ActionKind::Drop:
          ++day().abandoned;
          ++point().abandoned;
          break;
        case ActionKind::Hold:
          break;
        case ActionKind::Preview:
          start_preview(a);
          break;
      }
    }
  }

  const Scenario& sc_;
  const Policy& pol_;
  Xoshiro256ss rng_;
  Sampler live_, machine_, busy_, no_answer_, invalid_, talk_, wrap_, inbound_talk_;
  CampaignGroup group_;
  std::vector<AgentSim> agents_;
  std::vector<bool> available_;
  std::unordered_map<std::int64_t, std::int64_t> seized_;  // call -> agent
  // Preview modes: the preview call each agent holds (-1: none) and whether it dialed it;
  // the preview calls dialed and not yet answered or failed, with their agents.
  std::vector<std::int64_t> preview_call_;
  std::vector<bool> preview_dialed_;
  std::unordered_map<std::int64_t, std::int64_t> preview_dials_;  // call -> agent
  const bool pull_mode_;
  std::vector<std::int64_t> to_pull_, pull_again_;  // Pull Preview: agents to pull for
  EventQueue queue_;
  std::vector<Event> calendar_;
  std::size_t next_cal_ = 0;
  // The pending tick: day, and index within the day (1 .. ticks_per_day_). Each day's
  // ticks end before the next day's begin, so one is pending at a time.
  std::int64_t tick_day_ = 0;
  std::int32_t tick_ = 1;
  const std::int32_t ticks_per_day_ = std::max(1, static_cast<std::int32_t>(std::floor(sc_.day_length / sc_.tick)));
  std::vector<Action> actions_;
  std::uint64_t seq_ = 0;
  double now_ = 0.0;
  Slab day_of_{kDay}, interval_of_{sc_.series_interval};  // now's day and series interval
  std::int64_t inbound_waiting_ = 0;
  std::deque<std::array<double, 3>> samples_;
  int since_adapt_ = 0;
  double level_ = 1.0;
  double minute_mark_ = 0.0;
  std::array<std::int64_t, 3> minute_start_{0, 0, 0};  // day's dials, drops, live answers a minute ago
  std::int64_t minute_dials_ = 0, minute_drops_ = 0, minute_live_ = 0;
  SimResult result_;
};

}  // namespace

DayResult SimResult::total() const {
  DayResult t;
  for (const DayResult& d : days) {
    t.dials += d.dials;
    t.live_answers += d.live_answers;
    t.abandoned += d.abandoned;
    t.connects += d.connects;
    t.machines += d.machines;
    t.talk += d.talk;
    t.wrap += d.wrap;
    t.staffed += d.staffed;
  }
  return t;
}

double SimResult::worst_day_abandon() const {
  double worst = 0.0;
  for (const DayResult& d : days) worst = std::max(worst, d.abandon_rate());
  return worst;
}

double SimResult::worst_window_abandon(int window_days) const {
  const auto n = days.size();
  const auto w = std::min<std::size_t>(static_cast<std::size_t>(std::max(window_days, 1)), n);
  double worst = 0.0;
  for (std::size_t start = 0; start + w <= n; ++start) {
    std::int64_t live = 0, ab = 0;
    for (std::size_t i = start; i < start + w; ++i) {
      live += days[i].live_answers;
      ab += days[i].abandoned;
    }
    if (live > 0) worst = std::max(worst, static_cast<double>(ab) / static_cast<double>(live));
  }
  return worst;
}

SimResult simulate(const Scenario& scenario, const Policy& policy,
                   const std::function<void(double)>& progress) {
  scenario.validate();
  policy.validate();
  Run run(scenario, policy);
  return run.run(progress);
}

}  // namespace outpace::sim
