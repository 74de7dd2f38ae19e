#include "outpace/call_result.hpp"

namespace outpace {

const char* to_string(CallResult result) noexcept {
  switch (result) {
    case CallResult::Answer: return "Answer";
    case CallResult::AnsweringMachine: return "AnsweringMachine";
    case CallResult::Busy: return "Busy";
    case CallResult::NoAnswer: return "NoAnswer";
    case CallResult::InvalidNumber: return "InvalidNumber";
    case CallResult::NetworkFailure: return "NetworkFailure";
    case CallResult::Dropped: return "Dropped";
    case CallResult::Abandoned: return "Abandoned";
    case CallResult::Fax: return "Fax";
    case CallResult::Vacant: return "Vacant";
    case CallResult::NoCircuit: return "NoCircuit";
    case CallResult::Reorder: return "Reorder";
    case CallResult::Declined: return "Declined";
  }
  return "unknown";
}

}  // namespace outpace
