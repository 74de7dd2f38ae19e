// Bindings for the campaign simulator: scenario, policy, and one run's results as arrays.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "outpace/sim/simulator.hpp"

namespace py = pybind11;
using namespace outpace;
using namespace outpace::sim;

void register_sim(py::module_& m) {
  py::module_& s = m;  // flat: one stub file covers the whole module
  py::enum_<Distribution::Kind>(s, "DistributionKind")
      .value("FIXED", Distribution::Kind::Fixed)
      .value("EXPONENTIAL", Distribution::Kind::Exponential)
      .value("LOGNORMAL", Distribution::Kind::Lognormal)
      .value("GAMMA", Distribution::Kind::Gamma)
      .value("EMPIRICAL", Distribution::Kind::Empirical);
  py::class_<Distribution>(s, "Distribution")
      .def(py::init<>())
      .def_readwrite("kind", &Distribution::kind)
      .def_readwrite("mean", &Distribution::mean)
      .def_readwrite("sd", &Distribution::sd)
      .def_readwrite("sample", &Distribution::sample);
  py::class_<Shift>(s, "Shift")
      .def(py::init<>())
      .def_readwrite("start", &Shift::start)
      .def_readwrite("end", &Shift::end)
      .def_readwrite("breaks", &Shift::breaks);
  py::class_<Scenario>(s, "Scenario")
      .def(py::init<>())
      .def_readwrite("agents", &Scenario::agents)
      .def_readwrite("day_length", &Scenario::day_length)
      .def_readwrite("days", &Scenario::days)
      .def_readwrite("seed", &Scenario::seed)
      .def_readwrite("p_live", &Scenario::p_live)
      .def_readwrite("p_machine", &Scenario::p_machine)
      .def_readwrite("p_busy", &Scenario::p_busy)
      .def_readwrite("p_no_answer", &Scenario::p_no_answer)
      .def_readwrite("p_invalid", &Scenario::p_invalid)
      .def_readwrite("live_time", &Scenario::live_time)
      .def_readwrite("machine_time", &Scenario::machine_time)
      .def_readwrite("busy_time", &Scenario::busy_time)
      .def_readwrite("no_answer_time", &Scenario::no_answer_time)
      .def_readwrite("invalid_time", &Scenario::invalid_time)
      .def_readwrite("talk", &Scenario::talk)
      .def_readwrite("wrap", &Scenario::wrap)
      .def_readwrite("tau", &Scenario::tau)
      .def_readwrite("amd_false_positive", &Scenario::amd_false_positive)
      .def_readwrite("live_drift", &Scenario::live_drift)
      .def_readwrite("inbound_per_hour", &Scenario::inbound_per_hour)
      .def_readwrite("inbound_talk", &Scenario::inbound_talk)
      .def_readwrite("shifts", &Scenario::shifts)
      .def_readwrite("tick", &Scenario::tick)
      .def_readwrite("series_interval", &Scenario::series_interval)
      .def("validate", &Scenario::validate);
  py::enum_<Policy::Kind>(s, "PolicyKind")
      .value("GROUP", Policy::Kind::Group)
      .value("FIXED_RATIO", Policy::Kind::FixedRatio)
      .value("ADAPTIVE_DIAL_LEVEL", Policy::Kind::AdaptiveDialLevel)
      .value("THRESHOLD", Policy::Kind::Threshold)
      .value("POISSON_ANSWERS", Policy::Kind::PoissonAnswers);
  py::class_<Policy>(s, "Policy")
      .def(py::init<>())
      .def_readwrite("kind", &Policy::kind)
      .def_readwrite("settings", &Policy::settings)
      .def_readwrite("ratio", &Policy::ratio)
      .def_readwrite("intensity", &Policy::intensity)
      .def_readwrite("max_level", &Policy::max_level)
      .def_readwrite("drop_limit", &Policy::drop_limit)
      .def_readwrite("diff_target", &Policy::diff_target)
      .def_readwrite("threshold", &Policy::threshold)
      .def_readwrite("multiplier", &Policy::multiplier)
      .def_readwrite("answer_rate", &Policy::answer_rate)
      .def("validate", &Policy::validate)
      .def("name", &Policy::name);
  s.def("adaptive_dial_level_step", &adaptive_dial_level_step, py::arg("level"), py::arg("differential"),
        py::arg("agents"), py::arg("target"), py::arg("intensity"), py::arg("max_level"));
  s.def(
      "simulate",
      [](const Scenario& sc, const Policy& pol, const py::object& progress) {
        SimResult r;
        if (progress.is_none()) {
          py::gil_scoped_release release;  // pure C++ on copies the caller cannot touch
          r = simulate(sc, pol);
        } else {
          // The callback needs the GIL: take it only around the call.
          std::function<void(double)> cb = [&progress](double f) {
            py::gil_scoped_acquire acquire;
            progress(f);
          };
          py::gil_scoped_release release;
          r = simulate(sc, pol, cb);
        }
        const auto nd = static_cast<py::ssize_t>(r.days.size());
        py::array_t<std::int64_t> dials(nd), live(nd), ab(nd), conn(nd), mach(nd);
        py::array_t<double> talk(nd), wrap(nd), staffed(nd);
        for (py::ssize_t i = 0; i < nd; ++i) {
          const DayResult& d = r.days[static_cast<std::size_t>(i)];
          dials.mutable_at(i) = d.dials;
          live.mutable_at(i) = d.live_answers;
          ab.mutable_at(i) = d.abandoned;
          conn.mutable_at(i) = d.connects;
          mach.mutable_at(i) = d.machines;
          talk.mutable_at(i) = d.talk;
          wrap.mutable_at(i) = d.wrap;
          staffed.mutable_at(i) = d.staffed;
        }
        const auto ns = static_cast<py::ssize_t>(r.series.size());
        py::array_t<double> st(ns), swork(ns);
        py::array_t<std::int64_t> sd(ns), sl(ns), sa(ns), sc2(ns);
        for (py::ssize_t i = 0; i < ns; ++i) {
          const SeriesPoint& p = r.series[static_cast<std::size_t>(i)];
          st.mutable_at(i) = p.time;
          sd.mutable_at(i) = p.dials;
          sl.mutable_at(i) = p.live_answers;
          sa.mutable_at(i) = p.abandoned;
          sc2.mutable_at(i) = p.connects;
          swork.mutable_at(i) = p.work;
        }
        py::dict days, series, out;
        days["dials"] = dials; days["live_answers"] = live; days["abandoned"] = ab;
        days["connects"] = conn; days["machines"] = mach; days["talk"] = talk; days["wrap"] = wrap;
        days["staffed"] = staffed;
        series["time"] = st; series["dials"] = sd; series["live_answers"] = sl; series["abandoned"] = sa;
        series["connects"] = sc2; series["work"] = swork;
        out["days"] = days;
        out["series"] = series;
        out["events"] = r.events;
        return out;
      },
      py::arg("scenario"), py::arg("policy"), py::arg("progress") = py::none());
}
