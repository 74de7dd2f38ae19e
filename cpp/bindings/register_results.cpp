// Binding for outpace/call_result.hpp: CallResult as a Python enum.IntEnum, shared by the
// dialing buffer and (later) the pacing statistics.
#include <pybind11/native_enum.h>
#include <pybind11/pybind11.h>

#include "outpace/call_result.hpp"

namespace py = pybind11;
using outpace::CallResult;

void register_results(py::module_& m) {
  py::native_enum<CallResult>(m, "CallResult", "enum.IntEnum", "How a dialed call ended, as the host reports it.")
      .value("ANSWER", CallResult::Answer, "a live person answered")
      .value("ANSWERING_MACHINE", CallResult::AnsweringMachine, "a machine or voicemail answered")
      .value("BUSY", CallResult::Busy, "the line was busy")
      .value("NO_ANSWER", CallResult::NoAnswer, "it rang until the ring timeout")
      .value("INVALID_NUMBER", CallResult::InvalidNumber, "the number does not exist or is unreachable")
      .value("NETWORK_FAILURE", CallResult::NetworkFailure, "the network or trunk failed the call")
      .value("DROPPED", CallResult::Dropped, "answered live, dropped by the dialer: no agent within tau")
      .value("ABANDONED", CallResult::Abandoned, "answered live, hung up before an agent took it")
      .value("FAX", CallResult::Fax, "a fax or modem answered")
      .value("VACANT", CallResult::Vacant, "the number is no longer in service")
      .value("NO_CIRCUIT", CallResult::NoCircuit, "the trunk had no capacity")
      .value("REORDER", CallResult::Reorder, "a network error")
      .value("DECLINED", CallResult::Declined, "the callee declined")
      .finalize();
}
