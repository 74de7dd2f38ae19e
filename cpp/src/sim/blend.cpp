// The event loop of the blended centre, one day at a time. Agents are counted, not named:
// in this model every agent of a group is alike, so a group is its staffing N, its busy
// agents Nb and, when N drops below Nb, Nb - N leavers finishing their call (they leave
// as they finish, as in ContactCenters). Routing follows the ContactCenters example: an
// inbound call goes to an inbound-only agent, else to a blend agent, else to the inbound
// queue; a reached call goes to a blend agent, else waits `mismatch_wait` s in the
// outbound queue; a freed inbound-only agent takes the inbound queue, a freed blend agent
// the outbound queue first, then the inbound one. The dialer decides when it starts and
// whenever an agent of either group ends a service, after that agent took a waiting call.
#include <algorithm>
#include <cmath>
#include <deque>
#include <queue>
#include <random>

#include "outpace/sim/blend.hpp"

namespace outpace::sim {

namespace {

constexpr int kInbound = 0;   // group: inbound-only agents; queue and call type: inbound
constexpr int kBlend = 1;     // group: blend agents
constexpr int kOutbound = 1;  // queue and call type: reached outbound calls
constexpr std::int64_t kMaxDialsPerDecision = 100000;  // a runaway custom policy stops here

enum class BlendEv : std::uint8_t { Arrival, EndService, Abandon, Period, DialerOn, DialerOff };

struct BlendEvent {
  double t;
  std::uint64_t seq;
  BlendEv kind;
  std::int32_t a;  // group, queue or period
  std::int64_t b;  // waiting call id
};
struct BlendLater {
  bool operator()(const BlendEvent& x, const BlendEvent& y) const {
    return x.t != y.t ? x.t > y.t : x.seq > y.seq;
  }
};

// One stream per source of randomness, seeded by (seed, day, source): the inbound side of
// a day is the same whatever the dialer does (common random numbers across policies).
std::mt19937_64 stream(std::uint64_t seed, std::int32_t day, std::uint32_t source) {
  std::seed_seq s{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                  static_cast<std::uint32_t>(day), source};
  return std::mt19937_64(s);
}

class BlendDayRun {
 public:
  BlendDayRun(const BlendScenario& sc, const BlendPolicy& pol, std::int32_t day)
      : sc_(sc), pol_(pol), close_(sc.close()), periods_(static_cast<std::int32_t>(sc.periods())),
        busyness_rng_(stream(sc.seed, day, 1)), arrival_rng_(stream(sc.seed, day, 2)),
        caller_rng_(stream(sc.seed, day, 3)), inbound_service_rng_(stream(sc.seed, day, 4)),
        reach_rng_(stream(sc.seed, day, 5)), outbound_service_rng_(stream(sc.seed, day, 6)),
        inbound_service_(sc.inbound_service), outbound_service_(sc.outbound_service) {}

  BlendDay run() {
    if (std::isinf(sc_.busyness_shape)) {
      day_.busyness = 1.0;
    } else {
      std::gamma_distribution<double> b(sc_.busyness_shape, 1.0 / sc_.busyness_shape);
      day_.busyness = b(busyness_rng_);
    }
    set_staffing(0);
    for (std::int32_t p = 1; p < periods_; ++p) push(sc_.period_length * p, BlendEv::Period, p);
    if (sc_.dialer_end > sc_.dialer_start) {
      push(sc_.dialer_start, BlendEv::DialerOn);
      push(sc_.dialer_end, BlendEv::DialerOff);
    }
    next_arrival(0.0);
    while (!events_.empty()) {
      const BlendEvent e = events_.top();
      events_.pop();
      advance(e.t);
      now_ = e.t;
      ++day_.events;
      handle(e);
    }
    advance(close_);
    return day_;
  }

 private:
  void push(double t, BlendEv kind, std::int32_t a = 0, std::int64_t b = 0) {
    events_.push(BlendEvent{t, seq_++, kind, a, b});
  }

  std::int32_t period_at(double t) const {
    return std::min(periods_ - 1, static_cast<std::int32_t>(t / sc_.period_length));
  }
  std::int32_t free(int g) const { return std::max(0, staffed_[g] - busy_[g]); }
  std::int32_t waiting_total() const { return waiting_[kInbound] + waiting_[kOutbound]; }

  // Occupancy integrals over the opening hours only.
  void advance(double t) {
    const double te = std::min(t, close_);
    if (te <= last_) return;
    const double dt = te - last_;
    day_.busy_inbound += busy_[kInbound] * dt;
    day_.busy_blend += busy_[kBlend] * dt;
    day_.staffed_inbound += std::max(staffed_[kInbound], busy_[kInbound]) * dt;
    day_.staffed_blend += std::max(staffed_[kBlend], busy_[kBlend]) * dt;
    last_ = te;
  }

  void set_staffing(std::int32_t p) {
    staffed_[kInbound] = sc_.inbound_agents[static_cast<std::size_t>(p)];
    staffed_[kBlend] = sc_.blend_agents[static_cast<std::size_t>(p)];
  }

  // Piecewise-constant Poisson arrivals at B x rate: an exponential gap at the current
  // period's rate; one that crosses into the next period restarts there (memoryless).
  void next_arrival(double from) {
    double t = from;
    for (std::int32_t p = period_at(t); p < periods_ && t < close_; p = period_at(t)) {
      const double end = sc_.period_length * (p + 1);
      const double rate = day_.busyness * sc_.inbound_per_hour[static_cast<std::size_t>(p)] / 3600.0;
      if (rate > 0.0) {
        std::exponential_distribution<double> gap(rate);
        const double next = t + gap(arrival_rng_);
        if (next < end) {
          push(next, BlendEv::Arrival);
          return;
        }
      }
      t = end;
    }
  }

  void handle(const BlendEvent& e) {
    switch (e.kind) {
      case BlendEv::Arrival:
        on_inbound();
        next_arrival(now_);
        break;
      case BlendEv::EndService:
        --busy_[e.a];
        pull(e.a);
        dial();
        break;
      case BlendEv::Abandon: on_patience_over(e.a, e.b); break;
      case BlendEv::Period:
        set_staffing(e.a);
        pull(kInbound);
        pull(kBlend);
        break;
      case BlendEv::DialerOn:
        dialer_on_ = true;
        dial();
        break;
      case BlendEv::DialerOff: dialer_on_ = false; break;
    }
  }

  void serve(int g, int type) {
    ++busy_[g];
    const double s = type == kInbound ? inbound_service_(inbound_service_rng_) : outbound_service_(outbound_service_rng_);
    push(now_ + s, BlendEv::EndService, g);
  }

  void on_inbound() {
    ++day_.inbound_arrivals;
    // Each caller's patience is drawn on arrival, used or not, so the inbound streams do
    // not depend on the dialer.
    const bool balks = uniform_(caller_rng_) < sc_.balk;
    std::exponential_distribution<double> patience(1.0 / sc_.patience);
    const double waits = patience(caller_rng_);
    if (free(kInbound) > 0) return start_inbound(kInbound, 0.0);
    if (free(kBlend) > 0) return start_inbound(kBlend, 0.0);
    if (waiting_total() >= sc_.queue_capacity || balks) {
      // Blocked (queue full) or balked: gone at once, having waited 0 s.
      ++day_.inbound_abandoned;
      if (0.0 >= sc_.service_level_time) ++day_.inbound_late;
      return;
    }
    enqueue(kInbound, waits);
  }

  void start_inbound(int g, double waited) {
    ++day_.inbound_served;
    if (waited >= sc_.service_level_time) ++day_.inbound_late;
    serve(g, kInbound);
  }

  void enqueue(int q, double patience) {
    const auto id = static_cast<std::int64_t>(since_.size());
    since_.push_back(now_);
    in_queue_.push_back(1);
    queue_[q].push_back(id);
    ++waiting_[q];
    push(now_ + patience, BlendEv::Abandon, q, id);
  }

  // The oldest call still waiting in queue q, removed from it; -1 if none.
  std::int64_t pop(int q) {
    while (!queue_[q].empty()) {
      const std::int64_t id = queue_[q].front();
      queue_[q].pop_front();
      if (in_queue_[static_cast<std::size_t>(id)]) {
        in_queue_[static_cast<std::size_t>(id)] = 0;
        --waiting_[q];
        return id;
      }
    }
    return -1;
  }

  void on_patience_over(int q, std::int64_t id) {
    const auto i = static_cast<std::size_t>(id);
    if (!in_queue_[i]) return;  // an agent took it in time
    in_queue_[i] = 0;
    --waiting_[q];
    if (q == kOutbound) {
      ++day_.mismatches;
    } else {
      ++day_.inbound_abandoned;
      if (now_ - since_[i] >= sc_.service_level_time) ++day_.inbound_late;
    }
  }

  // Free agents of group g take waiting calls in the group's order of queues.
  void pull(int g) {
    while (free(g) > 0) {
      if (g == kBlend && waiting_[kOutbound] > 0) {
        const std::int64_t id = pop(kOutbound);
        day_.outbound_max_wait = std::max(day_.outbound_max_wait, now_ - since_[static_cast<std::size_t>(id)]);
        ++day_.outbound_served;
        serve(g, kOutbound);
      } else if (waiting_[kInbound] > 0) {
        const std::int64_t id = pop(kInbound);
        start_inbound(g, now_ - since_[static_cast<std::size_t>(id)]);
      } else {
        return;
      }
    }
  }

  void dial() {
    if (!dialer_on_) return;
    BlendState s;
    s.now = now_;
    s.period = period_at(now_);
    s.free_inbound = free(kInbound);
    s.free_blend = free(kBlend);
    s.busy_inbound = busy_[kInbound];
    s.busy_blend = busy_[kBlend];
    s.staffed_inbound = staffed_[kInbound];
    s.staffed_blend = staffed_[kBlend];
    s.inbound_waiting = waiting_[kInbound];
    s.outbound_waiting = waiting_[kOutbound];
    const std::int64_t n = std::min(pol_.calls(s), kMaxDialsPerDecision);
    const double reach = sc_.reach[static_cast<std::size_t>(s.period)];
    for (std::int64_t i = 0; i < n; ++i) {
      ++day_.tried;
      if (day_.first_dial < 0.0) day_.first_dial = now_;
      day_.last_dial = now_;
      // Dialing takes no time: each number reaches the right party at once or fails.
      if (!(uniform_(reach_rng_) < reach)) continue;
      ++day_.reached;
      if (free(kBlend) > 0) {
        ++day_.outbound_served;
        serve(kBlend, kOutbound);
      } else if (sc_.mismatch_wait <= 0.0 || waiting_total() >= sc_.queue_capacity) {
        ++day_.mismatches;
      } else {
        enqueue(kOutbound, sc_.mismatch_wait);
      }
    }
  }

  const BlendScenario& sc_;
  const BlendPolicy& pol_;
  const double close_;
  const std::int32_t periods_;
  std::mt19937_64 busyness_rng_, arrival_rng_, caller_rng_, inbound_service_rng_, reach_rng_, outbound_service_rng_;
  Sampler inbound_service_, outbound_service_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  std::priority_queue<BlendEvent, std::vector<BlendEvent>, BlendLater> events_;
  std::uint64_t seq_ = 0;
  double now_ = 0.0, last_ = 0.0;
  std::int32_t staffed_[2] = {0, 0}, busy_[2] = {0, 0}, waiting_[2] = {0, 0};
  std::deque<std::int64_t> queue_[2];
  std::vector<double> since_;           // per waiting call: when it began to wait
  std::vector<std::uint8_t> in_queue_;  // per waiting call: still waiting
  bool dialer_on_ = false;
  BlendDay day_;
};

}  // namespace

BlendResult simulate_blend(const BlendScenario& scenario, const BlendPolicy& policy) {
  scenario.validate();
  policy.validate();
  BlendResult r;
  r.days.reserve(static_cast<std::size_t>(scenario.days));
  for (std::int32_t d = 0; d < scenario.days; ++d) r.days.push_back(BlendDayRun(scenario, policy, d).run());
  return r;
}

}  // namespace outpace::sim
