// Bindings for outpace/lifo.hpp and outpace/buffer.hpp: LifoBuffer, the core of the
// dialing buffer (wrapped by outpace/buffer.py) and its enums. Conversion only: ids are
// checked to fit uint64 here, everything else is validated by the C++ core.
#include <pybind11/native_enum.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "outpace/buffer.hpp"
#include "outpace/lifo.hpp"

namespace py = pybind11;
using outpace::BufferSettings;
using outpace::CallResult;
using outpace::Dial;
using outpace::DialingBuffer;
using outpace::Lifo;
using outpace::RecordSource;
using outpace::TreatmentAction;

namespace {

using IdArray = py::array_t<std::uint64_t, py::array::c_style>;

// A Python integer (or NumPy integer) in [0, max]; ValueError naming the argument otherwise.
std::uint64_t as_unsigned(py::handle value, const char* name,
                          std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
  if (PyLong_CheckExact(value.ptr())) {  // the common case, without temporaries
    const unsigned long long out = PyLong_AsUnsignedLongLong(value.ptr());
    if (!(out == static_cast<unsigned long long>(-1) && PyErr_Occurred()) && out <= max) return out;
    PyErr_Clear();  // negative or too large: the general path below says which
  }
  if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) {
    throw py::type_error(std::string(name) + " must be an integer (got " +
                         std::string(py::str(py::type::of(value).attr("__name__"))) + ")");
  }
  PyObject* index = PyNumber_Index(value.ptr());
  if (index == nullptr) throw py::error_already_set();
  const py::int_ integer = py::reinterpret_steal<py::int_>(index);
  if (integer < py::int_(0)) {
    throw py::value_error(std::string(name) + " must be >= 0 (got " + std::string(py::repr(value)) + ")");
  }
  const unsigned long long out = PyLong_AsUnsignedLongLong(integer.ptr());
  if ((out == static_cast<unsigned long long>(-1) && PyErr_Occurred()) || out > max) {
    PyErr_Clear();
    throw py::value_error(std::string(name) + " must be <= " + std::to_string(max) + " (got " +
                          std::string(py::repr(value)) + ")");
  }
  return out;
}

// A 1-D array of record ids: unsigned integers as they are, signed ones checked for
// negatives. The returned array owns (or shares) the uint64 data.
IdArray as_ids(py::handle value, const char* name) {
  py::array arr = py::array::ensure(value);
  if (!arr) throw py::value_error(std::string(name) + " must be an array of integers");
  const char kind = arr.dtype().kind();
  if (arr.size() == 0 && arr.ndim() == 1) return IdArray(0);  // numpy.asarray([]) is float64
  if (kind != 'u' && kind != 'i') {
    throw py::value_error(std::string(name) + " must be an array of integers (got dtype " +
                          std::string(py::str(arr.dtype())) + ")");
  }
  if (arr.ndim() != 1) {
    throw py::value_error(std::string(name) + " must be 1-D (got " + std::to_string(arr.ndim()) + " dimensions)");
  }
  if (kind == 'u') return IdArray::ensure(arr);  // no copy for contiguous uint64
  auto signed_ids = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(arr);
  const std::int64_t* p = signed_ids.data();
  const py::ssize_t n = signed_ids.size();
  py::ssize_t bad = -1;
  {
    py::gil_scoped_release release;  // reads a buffer that signed_ids keeps alive
    for (py::ssize_t i = 0; i < n; ++i) {
      if (p[i] < 0) {
        bad = i;
        break;
      }
    }
  }
  if (bad >= 0) {
    throw py::value_error(std::string(name) + "[" + std::to_string(bad) + "] must be >= 0 (got " +
                          std::to_string(p[bad]) + ")");
  }
  // Non-negative int64 and uint64 share their bits: view, do not copy.
  return IdArray(n, reinterpret_cast<const std::uint64_t*>(p), signed_ids);
}

IdArray shrink(IdArray out, std::size_t used) {
  out.resize({static_cast<py::ssize_t>(used)}, false);  // no other reference exists yet
  return out;
}

py::tuple dial_tuple(const Dial& d) { return py::make_tuple(d.record_id, d.phone_index, d.source); }

void register_lifo(py::module_& m) {
  py::class_<Lifo>(m, "LifoBuffer",
                   "Bounded lock-free LIFO of record ids (uint64). Thread-safe; batch calls release the GIL.")
      .def(py::init([](py::handle capacity) {
             return new Lifo(static_cast<std::size_t>(as_unsigned(capacity, "capacity")));
           }),
           py::arg("capacity"))
      .def_property_readonly("capacity", &Lifo::capacity)
      // Single operations keep the GIL: they never block (lock-free) and releasing and
      // retaking it would cost more than the operation.
      .def(
          "push", [](Lifo& s, py::handle id) { return s.push(as_unsigned(id, "record_id")); }, py::arg("record_id"))
      .def("pop",
           [](Lifo& s) -> py::object {
             std::uint64_t id = 0;
             if (!s.pop(id)) return py::none();
             return py::int_(id);
           })
      .def(
          "push_many",
          [](Lifo& s, py::handle ids) {
            const IdArray arr = as_ids(ids, "ids");
            const std::uint64_t* p = arr.data();
            const auto n = static_cast<std::size_t>(arr.size());
            py::gil_scoped_release release;  // pure C++ over a buffer that arr keeps alive
            return s.push_many(p, n);
          },
          py::arg("ids"))
      .def(
          "pop_many",
          [](Lifo& s, py::handle max_count) {
            const std::uint64_t want = as_unsigned(max_count, "max_count");
            const std::size_t room = want < s.capacity() ? static_cast<std::size_t>(want) : s.capacity();
            IdArray out(static_cast<py::ssize_t>(room));
            std::uint64_t* p = out.mutable_data();
            std::size_t got = 0;
            {
              py::gil_scoped_release release;  // writes only into out, which we own
              got = s.pop_many(p, room);
            }
            return shrink(std::move(out), got);
          },
          py::arg("max_count"))
      .def("drain",
           [](Lifo& s) {
             IdArray out(static_cast<py::ssize_t>(s.capacity()));
             std::uint64_t* p = out.mutable_data();
             std::size_t got = 0;
             {
               py::gil_scoped_release release;  // writes only into out, which we own
               got = s.drain(p);
             }
             return shrink(std::move(out), got);
           })
      .def("__len__", &Lifo::size)
      .def("__repr__", [](const Lifo& s) {
        return "LifoBuffer(capacity=" + std::to_string(s.capacity()) + ", len~" + std::to_string(s.size()) + ")";
      });
}

BufferSettings settings_from(bool lifo_mode, py::handle lifo_capacity, py::handle list_batch,
                             py::handle refill_below, const py::dict& treatments) {
  BufferSettings s;
  s.lifo_mode = lifo_mode;
  s.lifo_capacity = static_cast<std::size_t>(as_unsigned(lifo_capacity, "lifo_capacity"));
  s.list_batch = static_cast<std::size_t>(as_unsigned(list_batch, "list_batch"));
  s.refill_below = static_cast<std::size_t>(as_unsigned(refill_below, "refill_below"));
  for (const auto& [key, value] : treatments) {
    const auto result = key.cast<CallResult>();
    const auto t = value.cast<py::tuple>();
    auto& entry = s.treatments.at(static_cast<std::size_t>(result));
    entry.action = t[0].cast<TreatmentAction>();
    entry.delay = t[1].cast<double>();
    const std::string name = std::string("treatments[") + outpace::to_string(result) + "].max_attempts";
    entry.max_attempts = static_cast<std::int32_t>(as_unsigned(t[2], name.c_str(), 1'000'000));
  }
  return s;
}

void register_dialing_buffer(py::module_& m) {
  py::native_enum<RecordSource>(m, "RecordSource", "enum.IntEnum", "Where a record waits, or waited.")
      .value("LIFO_INSERT", RecordSource::LifoInsert, "inserted through the API in LIFO mode")
      .value("CALLING_LIST", RecordSource::CallingList, "the calling list (and inserts outside LIFO mode)")
      .value("RETRY", RecordSource::Retry, "rescheduled by a treatment")
      .finalize();
  py::native_enum<TreatmentAction>(m, "TreatmentAction", "enum.IntEnum", "What a treatment does with a record.")
      .value("RETRY", TreatmentAction::Retry, "dial the same number again after the delay")
      .value("NEXT_NUMBER", TreatmentAction::NextNumber, "dial the contact's next number after the delay")
      .value("CLOSE", TreatmentAction::Close, "done with the record")
      .finalize();
  m.def("default_treatments", [] {
    py::dict out;
    const auto table = outpace::default_treatments();
    for (std::size_t i = 0; i < table.size(); ++i) {
      out[py::cast(static_cast<CallResult>(i))] =
          py::make_tuple(table[i].action, table[i].delay, table[i].max_attempts);
    }
    return out;
  });

  py::class_<DialingBuffer>(m, "DialingBuffer", "Core of outpace.DialingBuffer; use that class instead.")
      .def(py::init([](bool lifo_mode, py::handle lifo_capacity, py::handle list_batch, py::handle refill_below,
                       const py::dict& treatments) {
             return new DialingBuffer(settings_from(lifo_mode, lifo_capacity, list_batch, refill_below, treatments));
           }),
           py::arg("lifo_mode"), py::arg("lifo_capacity"), py::arg("list_batch"), py::arg("refill_below"),
           py::arg("treatments"))
      .def(
          "insert",
          [](DialingBuffer& b, py::handle id, py::handle phones) {
            return b.insert(as_unsigned(id, "record_id"),
                            static_cast<std::uint32_t>(as_unsigned(phones, "phones", UINT32_MAX)));
          },
          py::arg("record_id"), py::arg("phones"))
      .def(
          "add_list_records",
          [](DialingBuffer& b, py::handle ids, py::handle phones) {
            const IdArray arr = as_ids(ids, "record_ids");
            py::array_t<std::uint32_t, py::array::c_style> counts;
            if (!phones.is_none()) {
              const IdArray wide = as_ids(phones, "phones");
              if (wide.size() != arr.size()) {
                throw py::value_error("phones must have one entry per record (got " + std::to_string(wide.size()) +
                                      " for " + std::to_string(arr.size()) + " records)");
              }
              counts = py::array_t<std::uint32_t, py::array::c_style>(wide.size());
              for (py::ssize_t i = 0; i < wide.size(); ++i) {
                if (wide.data()[i] > UINT32_MAX) {
                  throw py::value_error("phones[" + std::to_string(i) + "] must be <= 4294967295");
                }
                counts.mutable_data()[i] = static_cast<std::uint32_t>(wide.data()[i]);
              }
            }
            const std::uint64_t* p = arr.data();
            const std::uint32_t* c = phones.is_none() ? nullptr : counts.data();
            const auto n = static_cast<std::size_t>(arr.size());
            py::gil_scoped_release release;  // C++ only, over buffers kept alive above
            b.add_list_records(p, c, n);
          },
          py::arg("record_ids"), py::arg("phones"))
      .def(
          "list_wanted",
          [](const DialingBuffer& b, py::handle need) {
            return b.list_wanted(static_cast<std::size_t>(as_unsigned(need, "need")));
          },
          py::arg("need") = 0)
      .def(
          "next",
          [](DialingBuffer& b, double now, py::handle max_count) {
            const auto want = static_cast<std::size_t>(as_unsigned(max_count, "max_count"));
            std::vector<Dial> dials;
            {
              py::gil_scoped_release release;  // C++ only; the result is converted below
              dials = b.next(now, want);
            }
            py::list out(dials.size());
            for (std::size_t i = 0; i < dials.size(); ++i) out[i] = dial_tuple(dials[i]);
            return out;
          },
          py::arg("now"), py::arg("max_count"))
      .def(
          "push_preview",
          [](DialingBuffer& b, const py::iterable& agents, double now) {
            std::vector<std::uint64_t> ids;
            for (py::handle a : agents) ids.push_back(as_unsigned(a, "agent_ids"));
            const auto given = b.push_preview(ids.data(), ids.size(), now);
            py::list out;
            for (const auto& g : given) out.append(py::make_tuple(g.agent_id, dial_tuple(g.dial)));
            return out;
          },
          py::arg("agent_ids"), py::arg("now"))
      .def(
          "pull_preview",
          [](DialingBuffer& b, py::handle agent, double now) -> py::object {
            const auto d = b.pull_preview(as_unsigned(agent, "agent_id"), now);
            if (!d) return py::none();
            return dial_tuple(*d);
          },
          py::arg("agent_id"), py::arg("now"))
      .def(
          "preview_dial",
          [](DialingBuffer& b, py::handle agent) { return dial_tuple(b.preview_dial(as_unsigned(agent, "agent_id"))); },
          py::arg("agent_id"))
      .def(
          "preview_skip", [](DialingBuffer& b, py::handle agent) { b.preview_skip(as_unsigned(agent, "agent_id")); },
          py::arg("agent_id"))
      .def(
          "return_undialed",
          [](DialingBuffer& b, py::handle id) { b.return_undialed(as_unsigned(id, "record_id")); },
          py::arg("record_id"))
      .def("available", &DialingBuffer::available, py::arg("now"))
      .def(
          "report",
          [](DialingBuffer& b, py::handle id, CallResult result, double now) {
            const auto o = b.report(as_unsigned(id, "record_id"), result, now);
            return py::make_tuple(o.action, o.due, o.phone_index, o.attempts);
          },
          py::arg("record_id"), py::arg("result"), py::arg("now"))
      .def("stop",
           [](DialingBuffer& b) {
             std::vector<outpace::ReturnedRecord> back;
             {
               py::gil_scoped_release release;  // C++ only; the result is converted below
               back = b.stop();
             }
             py::list out(back.size());
             for (std::size_t i = 0; i < back.size(); ++i) {
               const auto& r = back[i];
               out[i] = py::make_tuple(r.record_id, r.source, r.phone_index, r.phones, r.attempts, r.due, r.agent_id);
             }
             return out;
           })
      .def("counts", [](const DialingBuffer& b) {
        const auto c = b.counts();
        return py::make_tuple(c.lifo, c.lifo_returned, c.list, c.retry, c.previewing, c.in_flight,
                              c.duplicates_dropped);
      });
}

}  // namespace

void register_buffer(py::module_& m) {
  register_lifo(m);
  register_dialing_buffer(m);
}
