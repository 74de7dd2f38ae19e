// How a dialed call ended, as the host reports it. Shared by the dialing buffer (which
// decides what becomes of the record) and the pacing statistics (hit ratio, abandon rate).
#pragma once

#include <cstddef>
#include <cstdint>

namespace outpace {

enum class CallResult : std::uint8_t {
  Answer = 0,            // a live person answered (a contact)
  AnsweringMachine = 1,  // a machine or voicemail answered
  Busy = 2,              // the line was busy
  NoAnswer = 3,          // it rang until the ring timeout
  InvalidNumber = 4,     // the number does not exist or is unreachable (SIT)
  NetworkFailure = 5,    // the network or trunk failed the call (congestion, error)
  Dropped = 6,           // answered live, then dropped by the dialer: no agent within tau
  Abandoned = 7,         // answered live, then the person hung up before an agent took it
  Fax = 8,               // a fax or modem answered
};

inline constexpr std::size_t kCallResultCount = 9;

// For messages: "Answer", "Busy", ...; "unknown" for a value outside the enum.
const char* to_string(CallResult result) noexcept;

// True for a value of the enum (a cast from an integer may be anything).
constexpr bool is_valid(CallResult result) noexcept {
  return static_cast<std::size_t>(result) < kCallResultCount;
}

}  // namespace outpace
