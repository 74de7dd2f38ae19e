// Treatments: what becomes of a record after a call result (retry later, move on to the
// contact's next phone number, or close it). One treatment per CallResult.
#pragma once

#include <array>
#include <cstdint>

#include "outpace/call_result.hpp"

namespace outpace {

enum class TreatmentAction : std::uint8_t {
  Retry = 0,       // dial the same number again after `delay`, up to `max_attempts` on it
  NextNumber = 1,  // dial the contact's next number after `delay`; close if it has none
  Close = 2,       // done with the record
};

const char* to_string(TreatmentAction action) noexcept;

struct Treatment {
  TreatmentAction action = TreatmentAction::Close;
  double delay = 0.0;             // seconds until the record is due again
  std::int32_t max_attempts = 1;  // Retry: attempts on one number, the first included
};

// Indexed by CallResult.
using TreatmentTable = std::array<Treatment, kCallResultCount>;

// Answer: close. Answering machine: retry in 3600 s, 3 attempts. Busy: retry in 300 s,
// 3 attempts. No answer: retry in 7200 s, 3 attempts. Invalid number, vacant and fax:
// next number at once. Network failure, no circuit and reorder: retry in 60 s, 3
// attempts. Dropped and abandoned (a live person got no agent): retry in 3600 s, 2
// attempts. Declined: close.
TreatmentTable default_treatments() noexcept;

// Throws std::invalid_argument naming the entry and field, e.g.
// "treatments[Busy].delay must be a finite number of seconds >= 0 (got -1)".
void validate(const TreatmentTable& table);

}  // namespace outpace
