// Bindings for the pacing engine: settings, enums, CampaignGroup and Dialer. Actions
// cross as tuples (one group) or one structured array (a whole Dialer tick); the Python
// layer (outpace/group.py) turns them into its action classes.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <vector>

#include "outpace/dialer.hpp"
#include "outpace/group.hpp"
#include "outpace/pacer.hpp"

namespace py = pybind11;
using namespace outpace;

namespace {

struct FlatAction {
  std::int64_t group;
  std::int64_t kind;
  std::int64_t call_id;
  std::int64_t record_id;
  std::int64_t agent_id;
};

py::list to_list(const std::vector<Action>& actions) {
  py::list out;
  for (const Action& a : actions) {
    out.append(py::make_tuple(static_cast<int>(a.kind), a.call_id, a.record_id, a.agent_id));
  }
  return out;
}

// Runs one event method with the GIL released (the group has its own lock and touches no
// Python object), then converts the actions.
template <class Fn>
py::list event(Fn&& fn) {
  std::vector<Action> out;
  {
    py::gil_scoped_release release;
    fn(out);
  }
  return to_list(out);
}

}  // namespace

void register_group(py::module_& m) {
  py::enum_<DialingMode>(m, "DialingMode")
      .value("PREDICTIVE", DialingMode::Predictive)
      .value("PREDICTIVE_SEIZING", DialingMode::PredictiveSeizing)
      .value("PROGRESSIVE", DialingMode::Progressive)
      .value("PROGRESSIVE_SEIZING", DialingMode::ProgressiveSeizing)
      .value("PUSH_PREVIEW", DialingMode::PushPreview)
      .value("PULL_PREVIEW", DialingMode::PullPreview)
      .value("PREDICTIVE_IVR", DialingMode::PredictiveIvr)
      .value("PROGRESSIVE_IVR", DialingMode::ProgressiveIvr)
      .value("POWER_IVR", DialingMode::PowerIvr);
  py::enum_<OptimizationGoal>(m, "OptimizationGoal")
      .value("ABANDON_RATE", OptimizationGoal::AbandonRate)
      .value("BUSY_FACTOR", OptimizationGoal::BusyFactor)
      .value("AGENT_WAIT_TIME", OptimizationGoal::AgentWaitTime)
      .value("DISTRIBUTION_TIME", OptimizationGoal::DistributionTime);
  py::enum_<ComplianceRegime>(m, "ComplianceRegime")
      .value("US", ComplianceRegime::US)
      .value("UK", ComplianceRegime::UK);
  // CallResult is registered by register_results (shared with the dialing buffer).

  py::class_<GroupSettings>(m, "GroupSettings")
      .def(py::init<>())
      .def_readwrite("mode", &GroupSettings::mode)
      .def_readwrite("goal", &GroupSettings::goal)
      .def_readwrite("goal_value", &GroupSettings::goal_value)
      .def_readwrite("tau", &GroupSettings::tau)
      .def_readwrite("lines_per_agent", &GroupSettings::lines_per_agent)
      .def_readwrite("reserved_inbound_agents", &GroupSettings::reserved_inbound_agents)
      .def_readwrite("small_group_mode", &GroupSettings::small_group_mode)
      .def_readwrite("small_group_threshold", &GroupSettings::small_group_threshold)
      .def_readwrite("ignore_calls_longer_than", &GroupSettings::ignore_calls_longer_than)
      .def_readwrite("average_outbound_call", &GroupSettings::average_outbound_call)
      .def_readwrite("average_inbound_call", &GroupSettings::average_inbound_call)
      .def_readwrite("inbound_calls_per_hour", &GroupSettings::inbound_calls_per_hour)
      .def_readwrite("history_length", &GroupSettings::history_length)
      .def_readwrite("switch_to_progressive_at", &GroupSettings::switch_to_progressive_at)
      .def_readwrite("switch_back_at", &GroupSettings::switch_back_at)
      .def_readwrite("compliance", &GroupSettings::compliance)
      .def_readwrite("ivr_ports", &GroupSettings::ivr_ports)
      .def_readwrite("calls_per_minute", &GroupSettings::calls_per_minute)
      .def_readwrite("seize_timeout", &GroupSettings::seize_timeout)
      .def_readwrite("max_lines_per_agent", &GroupSettings::max_lines_per_agent)
      .def_readwrite("lifo", &GroupSettings::lifo)
      .def("validate", &GroupSettings::validate);
  m.def("check_running_change", &check_running_change, py::arg("from_settings"), py::arg("to_settings"));

  m.def(
      "largest_safe_calls",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& answer,
         const py::array_t<double, py::array::c_style | py::array::forcecast>& free, double new_call,
         double free_now, double theta, std::int64_t max_calls, double demand_mean) {
        const SafeCalls r = largest_safe_calls(answer.data(), static_cast<std::size_t>(answer.size()), free.data(),
                                               static_cast<std::size_t>(free.size()), new_call, free_now, theta,
                                               max_calls, demand_mean);
        return py::make_tuple(r.calls, r.risks);
      },
      py::arg("answer"), py::arg("free"), py::arg("new_call"), py::arg("free_now"), py::arg("theta"),
      py::arg("max_calls"), py::arg("demand_mean") = 0.0);
  m.def("progressive_calls", &progressive_calls, py::arg("lines_per_agent"), py::arg("ready"),
        py::arg("queued"), py::arg("dialing"));

  py::class_<CampaignGroup, std::shared_ptr<CampaignGroup>>(m, "CampaignGroup")
      .def(py::init<const GroupSettings&>())
      .def("agent_ready", [](CampaignGroup& g, std::int64_t a, double now) {
        return event([&](std::vector<Action>& o) { g.agent_ready(a, now, o); });
      })
      .def("agent_not_ready", [](CampaignGroup& g, std::int64_t a, double now) {
        return event([&](std::vector<Action>& o) { g.agent_not_ready(a, now, o); });
      })
      .def("insert_record", &CampaignGroup::insert_record)
      .def("add_records", [](CampaignGroup& g, const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& ids) {
        g.add_records(ids.data(), static_cast<std::size_t>(ids.size()));
      })
      .def("set_endless_records", &CampaignGroup::set_endless_records)
      .def("records_wanted", &CampaignGroup::records_wanted)
      .def("place", [](CampaignGroup& g, std::int64_t n, double now) {
        return event([&](std::vector<Action>& o) { g.place(n, now, o); });
      })
      .def("tick", [](CampaignGroup& g, double now) {
        return event([&](std::vector<Action>& o) { g.tick(now, o); });
      })
      .def("call_answered", [](CampaignGroup& g, std::int64_t c, double now, bool live) {
        return event([&](std::vector<Action>& o) { g.call_answered(c, now, live, o); });
      })
      .def("call_failed", [](CampaignGroup& g, std::int64_t c, double now, CallResult r) {
        return event([&](std::vector<Action>& o) { g.call_failed(c, now, r, o); });
      })
      .def("call_ended", [](CampaignGroup& g, std::int64_t c, double now) {
        return event([&](std::vector<Action>& o) { g.call_ended(c, now, o); });
      })
      .def("agent_requested", [](CampaignGroup& g, std::int64_t c, double now) {
        return event([&](std::vector<Action>& o) { g.agent_requested(c, now, o); });
      })
      .def("pull", [](CampaignGroup& g, std::int64_t a, double now) -> py::object {
        const std::optional<Action> p = g.pull(a, now);
        if (!p) return py::none();
        return py::make_tuple(static_cast<int>(p->kind), p->call_id, p->record_id, p->agent_id);
      })
      .def("preview_dial", [](CampaignGroup& g, std::int64_t a, double now) {
        return event([&](std::vector<Action>& o) { g.preview_dial(a, now, o); });
      })
      .def("preview_skip", &CampaignGroup::preview_skip)
      .def("metrics", [](const CampaignGroup& g) {
        const GroupMetrics x = g.metrics();
        py::dict d;
        d["now"] = x.now;
        d["dials"] = x.dials;
        d["live_answers"] = x.live_answers;
        d["machines"] = x.machines;
        d["failed"] = x.failed;
        d["abandoned"] = x.abandoned;
        d["connects"] = x.connects;
        d["abandon_rate"] = x.abandon_rate;
        d["abandon_rate_window"] = x.abandon_rate_window;
        d["abandon_rate_today"] = x.abandon_rate_today;
        d["talk_time"] = x.talk_time;
        d["wrap_time"] = x.wrap_time;
        d["idle_time"] = x.idle_time;
        d["not_ready_time"] = x.not_ready_time;
        d["busy_factor"] = x.busy_factor;
        d["agent_wait"] = x.agent_wait;
        d["distribution_time"] = x.distribution_time;
        d["agents_ready"] = x.agents_ready;
        d["agents_reserved"] = x.agents_reserved;
        d["agents_talking"] = x.agents_talking;
        d["agents_wrap_up"] = x.agents_wrap_up;
        d["agents_not_ready"] = x.agents_not_ready;
        d["calls_dialing"] = x.calls_dialing;
        d["calls_held"] = x.calls_held;
        d["calls_in_ivr"] = x.calls_in_ivr;
        d["effective_mode"] = x.effective_mode;
        d["switched_to_progressive"] = x.switched_to_progressive;
        d["theta"] = x.theta;
        d["records_waiting"] = x.records_waiting;
        d["records_retry"] = x.records_retry;
        d["records_closed"] = x.records_closed;
        return d;
      })
      .def("last_decision", [](const CampaignGroup& g) {
        const Decision d = g.last_decision();
        py::dict out;
        out["calls"] = d.calls;
        out["expected_answers"] = d.expected_answers;
        out["expected_free_agents"] = d.expected_free_agents;
        out["abandon_risk"] = d.abandon_risk;
        out["horizon"] = d.horizon;
        out["exact"] = d.exact;
        return out;
      })
      .def("peek", [](CampaignGroup& g, double now) {
        Decision d;
        {
          py::gil_scoped_release release;  // the group locks itself
          d = g.peek(now);
        }
        return py::make_tuple(d.calls, d.expected_answers, d.expected_free_agents, d.abandon_risk, d.horizon, d.exact);
      })
      .def("snapshot", [](const CampaignGroup& g) {
        const PacerSnapshot p = g.snapshot();
        py::dict d;
        d["talk_elapsed"] = p.talk_elapsed;
        d["wrap_elapsed"] = p.wrap_elapsed;
        d["ring_elapsed"] = p.ring_elapsed;
        d["ready"] = p.ready;
        d["held"] = p.held;
        d["max_new_calls"] = p.max_new_calls;
        d["theta"] = p.theta;
        d["inbound_per_second"] = p.inbound_per_second;
        d["answer_share"] = p.answer_share;
        d["talk_rows"] = p.talk_rows;
        d["wrap_rows"] = p.wrap_rows;
        d["ring_rows"] = p.ring_rows;
        d["new_call"] = p.new_call;
        d["horizon"] = p.horizon;
        d["stay"] = p.stay;
        d["ring_step"] = p.ring_step;
        d["ignore_longer_than"] = p.ignore_longer_than;
        d["tau"] = p.tau;
        return d;
      })
      .def("settings", &CampaignGroup::settings)
      .def("update_settings", &CampaignGroup::update_settings)
      .def("stop", [](CampaignGroup& g, double now) {
        const std::vector<UndialedRecord> recs = g.stop(now);
        py::list out;
        for (const UndialedRecord& r : recs) out.append(py::make_tuple(r.record_id, static_cast<int>(r.origin)));
        return out;
      })
      .def("stopped", &CampaignGroup::stopped);

  PYBIND11_NUMPY_DTYPE(FlatAction, group, kind, call_id, record_id, agent_id);
  py::class_<Dialer>(m, "Dialer")
      .def(py::init<>())
      .def("add", &Dialer::add)
      .def("__len__", &Dialer::size)
      .def("group", &Dialer::group)
      .def("tick", [](Dialer& d, double now) {
        std::vector<GroupAction> acts;
        {
          py::gil_scoped_release release;  // groups lock themselves; no Python objects touched
          d.tick(now, acts);
        }
        py::array_t<FlatAction> out(static_cast<py::ssize_t>(acts.size()));
        FlatAction* p = out.mutable_data();
        for (std::size_t i = 0; i < acts.size(); ++i) {
          const Action& a = acts[i].action;
          p[i] = {acts[i].group, static_cast<std::int64_t>(a.kind), a.call_id, a.record_id, a.agent_id};
        }
        return py::array(out);
      });
}
