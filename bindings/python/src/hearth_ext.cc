// hearth._hearth: thin pybind11 bindings over the public C API (include/hearth/hearth.h). The pure-Python
// package in bindings/python/hearth wraps these objects into the documented interface.
#include <pybind11/pybind11.h>

#include "bindings/python/src/ext_common.h"
#include "bindings/python/src/ext_objects.h"
#include "hearth/hearth.h"

namespace py = pybind11;

PYBIND11_MODULE(_hearth, m) {
  m.doc() = "Low-level bindings of the hearth C API; use the hearth package instead.";
  m.def("version_string", [] { return py::str(hearth_version_string()); });
  m.def("version_number", [] { return hearth_version_number(); });
  m.def("status_string", [](int32_t status) { return py::str(hearth_status_string(status)); });
  m.attr("HEADER_VERSION") = HEARTH_VERSION_STRING;
  hearth::python::BindFile(m);
  hearth::python::BindModel(m);
  hearth::python::BindContext(m);
  hearth::python::BindGenerate(m);
}
