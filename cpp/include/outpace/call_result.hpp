// How a dialed call ended, as the host reports it. Shared by the dialing buffer (which
// decides what becomes of the record), the pacing statistics (hit ratio, abandon rate)
// and the SIP adapter (which maps final responses to these).
#pragma once

#include <cstddef>
#include <cstdint>

namespace outpace {

enum class CallResult : std::uint8_t {
  Answer = 0,            // a live person answered (a contact)
  AnsweringMachine = 1,  // a machine or voicemail answered
  Busy = 2,              // the line was busy (SIP 486/600)
  NoAnswer = 3,          // it rang until the ring timeout
  InvalidNumber = 4,     // the number does not exist (SIP 404/484/485/604)
  NetworkFailure = 5,    // no response at all; the trunk may be down
  Dropped = 6,           // answered live, then dropped by the dialer: no agent within tau
  Abandoned = 7,         // answered live, then the person hung up before an agent took it
  Fax = 8,               // a fax or modem answered
  Vacant = 9,            // the number is no longer in service (SIP 410)
  NoCircuit = 10,        // the trunk had no capacity (SIP 503)
  Reorder = 11,          // network error (SIP 500/502/504)
  Declined = 12,         // the callee declined (SIP 603)
};

inline constexpr std::size_t kCallResultCount = 13;

// For messages: "Answer", "Busy", ...; "unknown" for a value outside the enum.
const char* to_string(CallResult result) noexcept;

// True for a value of the enum (a cast from an integer may be anything).
constexpr bool is_valid(CallResult result) noexcept {
  return static_cast<std::size_t>(result) < kCallResultCount;
}

// Did a live person answer? Only these count in the abandon-rate denominator.
constexpr bool is_live(CallResult r) noexcept {
  return r == CallResult::Answer || r == CallResult::Dropped || r == CallResult::Abandoned;
}

}  // namespace outpace
