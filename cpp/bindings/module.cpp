// outpace._core: the compiled half of outpace. Wiring only; each area registers itself.
#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_queueing(py::module_& m);
void register_results(py::module_& m);
void register_buffer(py::module_& m);
void register_group(py::module_& m);
void register_sim(py::module_& m);
void register_blend(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "Private compiled core of outpace; use the public outpace package instead.";
  register_queueing(m);
  register_results(m);
  register_buffer(m);
  register_group(m);
  register_sim(m);
  register_blend(m);
}
