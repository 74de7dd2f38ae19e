// Bindings for outpace/erlang.hpp: scalar functions and flat-array loops. Broadcasting
// and argument naming of shapes happen in outpace/queueing.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

#include "outpace/erlang.hpp"

namespace py = pybind11;
using outpace::ErlangCMetrics;
using outpace::QueueMetrics;

namespace {

using IntArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using FloatArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

std::size_t common_size(std::initializer_list<py::ssize_t> sizes) {
  const py::ssize_t first = *sizes.begin();
  for (py::ssize_t s : sizes) {
    if (s != first) throw std::invalid_argument("array arguments must have the same size");
  }
  return static_cast<std::size_t>(first);
}

py::tuple as_tuple(const QueueMetrics& q) {
  return py::make_tuple(q.p_wait, q.p_abandon, q.mean_wait, q.occupancy);
}

}  // namespace

void register_queueing(py::module_& m) {
  PYBIND11_NUMPY_DTYPE(QueueMetrics, p_wait, p_abandon, mean_wait, occupancy);
  PYBIND11_NUMPY_DTYPE(ErlangCMetrics, p_wait, mean_wait, service_level, occupancy);
  m.attr("MAX_SERVERS") = outpace::kMaxServers;

  m.def("erlang_b", py::overload_cast<std::int64_t, double>(&outpace::erlang_b),
        py::arg("servers"), py::arg("traffic"));
  m.def("log_inverse_erlang_b", &outpace::log_inverse_erlang_b, py::arg("servers"),
        py::arg("traffic"));
  m.def(
      "erlang_c",
      [](std::int64_t n, double a, double s, double t) {
        const ErlangCMetrics c = outpace::erlang_c(n, a, s, t);
        return py::make_tuple(c.p_wait, c.mean_wait, c.service_level, c.occupancy);
      },
      py::arg("servers"), py::arg("traffic"), py::arg("service_time"),
      py::arg("answer_within"));
  m.def(
      "erlang_a",
      [](std::int64_t n, double lam, double mu, double theta) {
        return as_tuple(outpace::erlang_a(n, lam, mu, theta));
      },
      py::arg("servers"), py::arg("arrival_rate"), py::arg("service_rate"),
      py::arg("patience_rate"));
  m.def(
      "erlang_d",
      [](std::int64_t n, double lam, double mu, double tau) {
        return as_tuple(outpace::erlang_d(n, lam, mu, tau));
      },
      py::arg("servers"), py::arg("arrival_rate"), py::arg("service_rate"), py::arg("tau"));
  m.def("agents_for_service_level", &outpace::agents_for_service_level, py::arg("traffic"),
        py::arg("target"), py::arg("answer_within"), py::arg("service_time"));
  m.def("agents_for_abandon", &outpace::agents_for_abandon, py::arg("arrival_rate"),
        py::arg("service_rate"), py::arg("tau"), py::arg("target"));
  m.def("max_arrival_rate", &outpace::max_arrival_rate, py::arg("servers"),
        py::arg("service_rate"), py::arg("tau"), py::arg("target"));

  m.def("erlang_b_array", [](const IntArray& n, const FloatArray& a) {
    const std::size_t count = common_size({n.size(), a.size()});
    FloatArray out(static_cast<py::ssize_t>(count));
    const std::int64_t* pn = n.data();
    const double* pa = a.data();
    double* po = out.mutable_data();
    {
      // Safe: the loop touches only these buffers, which the arrays above keep alive.
      py::gil_scoped_release release;
      outpace::erlang_b(pn, pa, po, count);
    }
    return out;
  });
  m.def("erlang_c_array", [](const IntArray& n, const FloatArray& a, const FloatArray& s,
                             const FloatArray& t) {
    const std::size_t count = common_size({n.size(), a.size(), s.size(), t.size()});
    py::array_t<ErlangCMetrics> out(static_cast<py::ssize_t>(count));
    const std::int64_t* pn = n.data();
    const double *pa = a.data(), *ps = s.data(), *pt = t.data();
    ErlangCMetrics* po = out.mutable_data();
    {
      py::gil_scoped_release release;  // pure C++ over buffers kept alive above
      outpace::erlang_c(pn, pa, ps, pt, po, count);
    }
    return py::array(out);  // a structured array: typed as a plain ndarray in the stubs
  });
  const auto queue_array = [](auto fn) {
    return [fn](const IntArray& n, const FloatArray& lam, const FloatArray& mu,
                const FloatArray& p) {
      const std::size_t count = common_size({n.size(), lam.size(), mu.size(), p.size()});
      py::array_t<QueueMetrics> out(static_cast<py::ssize_t>(count));
      const std::int64_t* pn = n.data();
      const double *pl = lam.data(), *pm = mu.data(), *pp = p.data();
      QueueMetrics* po = out.mutable_data();
      {
        py::gil_scoped_release release;  // pure C++ over buffers kept alive above
        fn(pn, pl, pm, pp, po, count);
      }
      return py::array(out);
    };
  };
  using ArrayFn = void (*)(const std::int64_t*, const double*, const double*, const double*,
                           QueueMetrics*, std::size_t);
  m.def("erlang_a_array", queue_array(static_cast<ArrayFn>(&outpace::erlang_a)));
  m.def("erlang_d_array", queue_array(static_cast<ArrayFn>(&outpace::erlang_d)));
}
