// How a placed call ended, as the host (or the simulator) reports it.
#pragma once

#include <cstdint>

namespace outpace {

enum class CallResult : std::uint8_t {
  Answer = 0,          // a live person answered
  AnsweringMachine,    // answered by a machine (AMD)
  Busy,
  NoAnswer,            // rang until the ring timeout
  InvalidNumber,       // number does not exist (SIP 404/484/485/604)
  Vacant,              // number no longer in service (SIP 410)
  NoCircuit,           // trunk had no capacity (SIP 503)
  Reorder,             // network error (SIP 500/502/504)
  Declined,            // callee declined (SIP 603)
  NetworkFailure,      // no response at all; the trunk may be down
  Dropped,             // answered live, dropped by the dialer (no agent within tau)
  Abandoned,           // answered live, caller hung up before an agent took it
  Count_
};

const char* to_string(CallResult result);

// Did a live person answer? Only these count in the abandon-rate denominator.
constexpr bool is_live(CallResult r) {
  return r == CallResult::Answer || r == CallResult::Dropped || r == CallResult::Abandoned;
}

}  // namespace outpace
