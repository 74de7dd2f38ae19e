// Bindings for the blended-centre model: scenario, dialing policy, decision state, and a
// run's per-day results as NumPy arrays.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>

#include "outpace/sim/blend.hpp"

namespace py = pybind11;
using namespace outpace::sim;

namespace {

template <typename T, typename F>
py::array_t<T> column(const std::vector<BlendDay>& days, F get) {
  py::array_t<T> a(static_cast<py::ssize_t>(days.size()));
  auto m = a.template mutable_unchecked<1>();
  for (std::size_t i = 0; i < days.size(); ++i) m(static_cast<py::ssize_t>(i)) = get(days[i]);
  return a;
}

}  // namespace

void register_blend(py::module_& m) {
  py::class_<BlendScenario>(m, "BlendScenario")
      .def(py::init<>())
      .def_readwrite("period_length", &BlendScenario::period_length)
      .def_readwrite("inbound_per_hour", &BlendScenario::inbound_per_hour)
      .def_readwrite("inbound_agents", &BlendScenario::inbound_agents)
      .def_readwrite("blend_agents", &BlendScenario::blend_agents)
      .def_readwrite("reach", &BlendScenario::reach)
      .def_readwrite("busyness_shape", &BlendScenario::busyness_shape)
      .def_readwrite("balk", &BlendScenario::balk)
      .def_readwrite("patience", &BlendScenario::patience)
      .def_readwrite("inbound_service", &BlendScenario::inbound_service)
      .def_readwrite("outbound_service", &BlendScenario::outbound_service)
      .def_readwrite("mismatch_wait", &BlendScenario::mismatch_wait)
      .def_readwrite("dialer_start", &BlendScenario::dialer_start)
      .def_readwrite("dialer_end", &BlendScenario::dialer_end)
      .def_readwrite("service_level_time", &BlendScenario::service_level_time)
      .def_readwrite("queue_capacity", &BlendScenario::queue_capacity)
      .def_readwrite("days", &BlendScenario::days)
      .def_readwrite("seed", &BlendScenario::seed)
      .def("validate", &BlendScenario::validate);
  py::class_<BlendState>(m, "BlendState")
      .def(py::init<>())
      .def_readwrite("now", &BlendState::now)
      .def_readwrite("period", &BlendState::period)
      .def_readwrite("free_inbound", &BlendState::free_inbound)
      .def_readwrite("free_blend", &BlendState::free_blend)
      .def_readwrite("busy_inbound", &BlendState::busy_inbound)
      .def_readwrite("busy_blend", &BlendState::busy_blend)
      .def_readwrite("staffed_inbound", &BlendState::staffed_inbound)
      .def_readwrite("staffed_blend", &BlendState::staffed_blend)
      .def_readwrite("inbound_waiting", &BlendState::inbound_waiting)
      .def_readwrite("outbound_waiting", &BlendState::outbound_waiting);
  py::enum_<BlendPolicy::Kind>(m, "BlendPolicyKind")
      .value("THRESHOLD", BlendPolicy::Kind::Threshold)
      .value("PROGRESSIVE", BlendPolicy::Kind::Progressive)
      .value("CUSTOM", BlendPolicy::Kind::Custom);
  py::class_<BlendPolicy>(m, "BlendPolicy")
      .def(py::init<>())
      .def_readwrite("kind", &BlendPolicy::kind)
      .def_readwrite("min_free_all", &BlendPolicy::min_free_all)
      .def_readwrite("min_free_blend", &BlendPolicy::min_free_blend)
      .def_readwrite("multiplier", &BlendPolicy::multiplier)
      .def_readwrite("extra", &BlendPolicy::extra)
      .def_readwrite("lines_per_agent", &BlendPolicy::lines_per_agent)
      .def_readwrite("reserved", &BlendPolicy::reserved)
      .def("validate", &BlendPolicy::validate)
      .def("name", &BlendPolicy::name)
      .def("calls", &BlendPolicy::calls, py::arg("state"));
  m.def(
      "simulate_blend",
      [](const BlendScenario& sc, const BlendPolicy& pol, const py::object& custom) {
        BlendPolicy p = pol;
        BlendResult r;
        if (p.kind == BlendPolicy::Kind::Custom) {
          if (custom.is_none()) throw py::value_error("custom must be a function of the state for a custom policy");
          // The callback needs the GIL: take it only around the call.
          p.custom = [&custom](const BlendState& s) -> std::int64_t {
            py::gil_scoped_acquire acquire;
            const py::object n = custom(s);
            if (!py::isinstance<py::int_>(n)) {
              throw py::value_error("custom policy must return a whole number of calls to dial (got " +
                                    std::string(py::str(py::repr(n))) + ")");
            }
            return n.cast<std::int64_t>();
          };
          py::gil_scoped_release release;
          r = simulate_blend(sc, p);
        } else {
          py::gil_scoped_release release;  // pure C++ on copies the caller cannot touch
          r = simulate_blend(sc, p);
        }
        const auto& d = r.days;
        py::dict out;
        out["busyness"] = column<double>(d, [](const BlendDay& x) { return x.busyness; });
        out["tried"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.tried; });
        out["reached"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.reached; });
        out["mismatches"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.mismatches; });
        out["outbound_served"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.outbound_served; });
        out["inbound_arrivals"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.inbound_arrivals; });
        out["inbound_served"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.inbound_served; });
        out["inbound_abandoned"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.inbound_abandoned; });
        out["inbound_late"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.inbound_late; });
        out["busy_inbound"] = column<double>(d, [](const BlendDay& x) { return x.busy_inbound; });
        out["busy_blend"] = column<double>(d, [](const BlendDay& x) { return x.busy_blend; });
        out["staffed_inbound"] = column<double>(d, [](const BlendDay& x) { return x.staffed_inbound; });
        out["staffed_blend"] = column<double>(d, [](const BlendDay& x) { return x.staffed_blend; });
        out["first_dial"] = column<double>(d, [](const BlendDay& x) { return x.first_dial; });
        out["last_dial"] = column<double>(d, [](const BlendDay& x) { return x.last_dial; });
        out["outbound_max_wait"] = column<double>(d, [](const BlendDay& x) { return x.outbound_max_wait; });
        out["events"] = column<std::int64_t>(d, [](const BlendDay& x) { return x.events; });
        return out;
      },
      py::arg("scenario"), py::arg("policy"), py::arg("custom") = py::none());
}
