#include "outpace/treatment.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace outpace {

const char* to_string(TreatmentAction action) noexcept {
  switch (action) {
    case TreatmentAction::Retry: return "Retry";
    case TreatmentAction::NextNumber: return "NextNumber";
    case TreatmentAction::Close: return "Close";
  }
  return "unknown";
}

TreatmentTable default_treatments() noexcept {
  constexpr Treatment close{TreatmentAction::Close, 0.0, 1};
  constexpr Treatment next_number{TreatmentAction::NextNumber, 0.0, 1};
  const auto retry = [](double delay, std::int32_t attempts) {
    return Treatment{TreatmentAction::Retry, delay, attempts};
  };
  TreatmentTable t{};
  t[static_cast<std::size_t>(CallResult::Answer)] = close;
  t[static_cast<std::size_t>(CallResult::AnsweringMachine)] = retry(3600.0, 3);
  t[static_cast<std::size_t>(CallResult::Busy)] = retry(300.0, 3);
  t[static_cast<std::size_t>(CallResult::NoAnswer)] = retry(7200.0, 3);
  t[static_cast<std::size_t>(CallResult::InvalidNumber)] = next_number;
  t[static_cast<std::size_t>(CallResult::NetworkFailure)] = retry(60.0, 3);
  t[static_cast<std::size_t>(CallResult::Dropped)] = retry(3600.0, 2);
  t[static_cast<std::size_t>(CallResult::Abandoned)] = retry(3600.0, 2);
  t[static_cast<std::size_t>(CallResult::Fax)] = next_number;
  t[static_cast<std::size_t>(CallResult::Vacant)] = next_number;
  t[static_cast<std::size_t>(CallResult::NoCircuit)] = retry(60.0, 3);
  t[static_cast<std::size_t>(CallResult::Reorder)] = retry(60.0, 3);
  t[static_cast<std::size_t>(CallResult::Declined)] = close;
  return t;
}

void validate(const TreatmentTable& table) {
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Treatment& t = table[i];
    const std::string where = std::string("treatments[") + to_string(static_cast<CallResult>(i)) + "]";
    char got[64];
    if (t.action != TreatmentAction::Retry && t.action != TreatmentAction::NextNumber &&
        t.action != TreatmentAction::Close) {
      std::snprintf(got, sizeof got, "%d", static_cast<int>(t.action));
      throw std::invalid_argument(where + ".action must be Retry, NextNumber or Close (got " + got + ")");
    }
    if (!std::isfinite(t.delay) || t.delay < 0.0) {
      std::snprintf(got, sizeof got, "%.17g", t.delay);
      throw std::invalid_argument(where + ".delay must be a finite number of seconds >= 0 (got " + got + ")");
    }
    if (t.action == TreatmentAction::Retry && t.max_attempts < 1) {
      throw std::invalid_argument(where + ".max_attempts must be >= 1 for a retry (got " +
                                  std::to_string(t.max_attempts) + ")");
    }
  }
}

}  // namespace outpace
