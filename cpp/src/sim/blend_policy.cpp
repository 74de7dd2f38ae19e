// The blended centre's inputs checked field by field, and the dialing policies' rules.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "outpace/pacer.hpp"
#include "outpace/sim/blend.hpp"
#include "field_error.hpp"

namespace outpace::sim {

namespace {
[[noreturn]] void bad(const std::string& field, const char* rule, double value) { detail::bad_field(field, rule, value); }
std::string at(const char* field, std::size_t i) { return std::string(field) + "[" + std::to_string(i) + "]"; }
}  // namespace

void BlendScenario::validate() const {
  if (!(std::isfinite(period_length) && period_length >= 60.0 && period_length <= 86400.0)) {
    bad("period_length", "seconds in [60, 86400]", period_length);
  }
  const std::size_t n = inbound_per_hour.size();
  if (n == 0) throw std::invalid_argument("inbound_per_hour must give a rate for at least one period");
  if (n > 48) bad("inbound_per_hour", "at most 48 periods long", static_cast<double>(n));
  if (!(close() <= 86400.0)) bad("period_length x periods", "at most 86400 s (one day)", close());
  auto same_length = [n](const char* field, std::size_t m) {
    if (m != n) {
      throw std::invalid_argument(std::string(field) + " must have one value per period (" + std::to_string(n) +
                                  ", as inbound_per_hour), got " + std::to_string(m));
    }
  };
  same_length("inbound_agents", inbound_agents.size());
  same_length("blend_agents", blend_agents.size());
  same_length("reach", reach.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!(std::isfinite(inbound_per_hour[i]) && inbound_per_hour[i] >= 0.0 && inbound_per_hour[i] <= 1e6)) {
      bad(at("inbound_per_hour", i), "calls per hour in [0, 1e6]", inbound_per_hour[i]);
    }
    if (inbound_agents[i] < 0 || inbound_agents[i] > 100000) {
      bad(at("inbound_agents", i), "a whole number from 0 to 100000", inbound_agents[i]);
    }
    if (blend_agents[i] < 0 || blend_agents[i] > 100000) {
      bad(at("blend_agents", i), "a whole number from 0 to 100000", blend_agents[i]);
    }
    if (!(reach[i] >= 0.0 && reach[i] <= 1.0)) bad(at("reach", i), "a probability in [0, 1]", reach[i]);
  }
  if (!(busyness_shape > 0.0)) bad("busyness_shape", "> 0 (inf for no busyness factor)", busyness_shape);
  if (!(balk >= 0.0 && balk <= 1.0)) bad("balk", "a probability in [0, 1]", balk);
  if (!(std::isfinite(patience) && patience > 0.0)) bad("patience", "a finite number of seconds > 0", patience);
  inbound_service.validate("inbound_service");
  outbound_service.validate("outbound_service");
  if (!(std::isfinite(mismatch_wait) && mismatch_wait >= 0.0)) {
    bad("mismatch_wait", "a finite number of seconds >= 0", mismatch_wait);
  }
  if (!(std::isfinite(dialer_start) && dialer_start >= 0.0 && dialer_start <= close())) {
    bad("dialer_start", "seconds after opening, in [0, close]", dialer_start);
  }
  if (!(std::isfinite(dialer_end) && dialer_end >= dialer_start && dialer_end <= close())) {
    bad("dialer_end", "seconds after opening, in [dialer_start, close]", dialer_end);
  }
  if (!(std::isfinite(service_level_time) && service_level_time >= 0.0)) {
    bad("service_level_time", "a finite number of seconds >= 0", service_level_time);
  }
  if (queue_capacity < 0) bad("queue_capacity", "a whole number >= 0", queue_capacity);
  if (days < 1 || days > 1000000) bad("days", "a whole number from 1 to 1000000", days);
}

void BlendPolicy::validate() const {
  switch (kind) {
    case Kind::Threshold:
      if (min_free_all < 0) bad("min_free_all", "a whole number >= 0", min_free_all);
      if (min_free_blend < 0) bad("min_free_blend", "a whole number >= 0", min_free_blend);
      if (!(std::isfinite(multiplier) && multiplier >= 0.0 && multiplier <= 100.0)) {
        bad("multiplier", "in [0, 100]", multiplier);
      }
      if (extra < 0 || extra > 10000) bad("extra", "a whole number from 0 to 10000", extra);
      return;
    case Kind::Progressive:
      if (!(std::isfinite(lines_per_agent) && lines_per_agent > 0.0 && lines_per_agent <= 100.0)) {
        bad("lines_per_agent", "in (0, 100]", lines_per_agent);
      }
      if (reserved < 0) bad("reserved", "a whole number >= 0", reserved);
      return;
    case Kind::Custom:
      if (!custom) throw std::invalid_argument("custom must be a function of the state for a custom policy");
      return;
  }
  throw std::invalid_argument("kind must be threshold, progressive or custom");
}

std::string BlendPolicy::name() const {
  char buf[120];
  switch (kind) {
    case Kind::Threshold:
      std::snprintf(buf, sizeof buf, "threshold:%d:%d:%g", min_free_all, min_free_blend, multiplier);
      return buf;
    case Kind::Progressive:
      std::snprintf(buf, sizeof buf, "progressive:%g:%d", lines_per_agent, reserved);
      return buf;
    case Kind::Custom: return "custom";
  }
  return "?";
}

std::int64_t BlendPolicy::calls(const BlendState& s) const {
  switch (kind) {
    case Kind::Threshold: {
      // No dial is ever in flight here (dialing takes no time), so nothing is subtracted
      // for calls in progress.
      if (s.free_inbound + s.free_blend < min_free_all || s.free_blend < min_free_blend) return 0;
      return std::max<std::int64_t>(0, std::llround(multiplier * s.free_blend) + extra);
    }
    case Kind::Progressive: {
      const std::int64_t ready = std::max(0, s.free_blend - reserved);
      return progressive_calls(lines_per_agent, ready, s.inbound_waiting + s.outbound_waiting, 0);
    }
    case Kind::Custom: return std::max<std::int64_t>(0, custom(s));
  }
  return 0;
}

}  // namespace outpace::sim
