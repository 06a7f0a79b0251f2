// GGUF file bindings: metadata (converted to Python values) and the tensor table.
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "bindings/python/src/ext_common.h"
#include "bindings/python/src/ext_objects.h"

namespace hearth::python {
namespace {

bool IsUnsigned(hearth_value_type type) {
  return type == HEARTH_VALUE_UINT8 || type == HEARTH_VALUE_UINT16 || type == HEARTH_VALUE_UINT32 ||
         type == HEARTH_VALUE_UINT64;
}

bool IsSigned(hearth_value_type type) {
  return type == HEARTH_VALUE_INT8 || type == HEARTH_VALUE_INT16 || type == HEARTH_VALUE_INT32 ||
         type == HEARTH_VALUE_INT64;
}

bool IsFloat(hearth_value_type type) { return type == HEARTH_VALUE_FLOAT32 || type == HEARTH_VALUE_FLOAT64; }

std::string MetadataJson(const hearth_file* file, const std::string& key, uint64_t max_elements) {
  return CallWithBuffer(256, [&](char* buffer, size_t capacity, size_t* length) {
    return hearth_file_metadata_to_json(file, key.c_str(), max_elements, buffer, capacity, length);
  });
}

py::object FromJson(const hearth_file* file, const std::string& key) {
  const std::string json = MetadataJson(file, key, 0);
  return py::module_::import("json").attr("loads")(DecodeUtf8(json.data(), json.size()));
}

py::object ScalarValue(const hearth_file* file, const std::string& key, hearth_value_type type) {
  const char* k = key.c_str();
  if (IsUnsigned(type)) {
    uint64_t value = 0;
    Check(hearth_file_metadata_get_uint(file, k, &value));
    return py::int_(value);
  }
  if (IsSigned(type)) {
    int64_t value = 0;
    Check(hearth_file_metadata_get_int(file, k, &value));
    return py::int_(value);
  }
  if (IsFloat(type)) {
    double value = 0;
    Check(hearth_file_metadata_get_float(file, k, &value));
    return py::float_(value);
  }
  if (type == HEARTH_VALUE_BOOL) {
    int32_t value = 0;
    Check(hearth_file_metadata_get_bool(file, k, &value));
    return py::bool_(value != 0);
  }
  if (type == HEARTH_VALUE_STRING) {
    const char* value = nullptr;
    size_t length = 0;
    Check(hearth_file_metadata_get_string(file, k, &value, &length));
    return DecodeUtf8(value, length);
  }
  return FromJson(file, key);
}

// Arrays of numbers and strings are read element by element (token tables have ~150k strings); other element
// types (bool, nested arrays, uint64 beyond int64) go through the library's JSON rendering.
py::object MetadataValue(const hearth_file* file, const std::string& key) {
  hearth_value_type type;
  hearth_value_type element_type;
  uint64_t length = 0;
  Check(hearth_file_metadata_type(file, key.c_str(), &type, &element_type, &length));
  if (type != HEARTH_VALUE_ARRAY) return ScalarValue(file, key, type);
  py::list values(length);
  const char* k = key.c_str();
  if ((IsSigned(element_type) || IsUnsigned(element_type)) && element_type != HEARTH_VALUE_UINT64) {
    for (uint64_t i = 0; i < length; ++i) {
      int64_t value = 0;
      Check(hearth_file_metadata_array_get_int(file, k, i, &value));
      values[i] = py::int_(value);
    }
  } else if (IsFloat(element_type)) {
    for (uint64_t i = 0; i < length; ++i) {
      double value = 0;
      Check(hearth_file_metadata_array_get_float(file, k, i, &value));
      values[i] = py::float_(value);
    }
  } else if (element_type == HEARTH_VALUE_STRING) {
    for (uint64_t i = 0; i < length; ++i) {
      const char* value = nullptr;
      size_t size = 0;
      Check(hearth_file_metadata_array_get_string(file, k, i, &value, &size));
      values[i] = DecodeUtf8(value, size);
    }
  } else {
    return FromJson(file, key);
  }
  return std::move(values);
}

py::dict TensorInfo(const hearth_file* file, int64_t index) {
  hearth_tensor_info info{};
  info.struct_size = sizeof(info);
  Check(hearth_file_tensor_info(file, index, &info));
  py::dict out;
  out["name"] = DecodeUtf8(info.name, std::char_traits<char>::length(info.name));
  out["type"] = info.type;
  out["type_name"] = py::str(info.type_name != nullptr ? info.type_name : "");
  const int32_t n_dims = info.n_dims < 0 ? 0 : (info.n_dims > 4 ? 4 : info.n_dims);
  py::tuple shape(n_dims);
  for (int32_t d = 0; d < n_dims; ++d) shape[d] = py::int_(info.shape[d]);
  out["shape"] = shape;
  out["offset"] = info.offset;
  out["n_bytes"] = info.n_bytes;
  return out;
}

}  // namespace

const hearth_file* File::get() const {
  if (file_ == nullptr) ThrowClosed("file");
  return file_;
}

void BindFile(py::module_& m) {
  py::class_<File>(m, "File")
      .def_static(
          "open",
          [](const std::string& path) {
            hearth_file* file = nullptr;
            hearth_status status;
            CallError error;
            {
              py::gil_scoped_release release;
              status = hearth_file_open(path.c_str(), &file);
              error = Capture(status);
            }
            if (status != HEARTH_OK) ThrowError(error);
            return File(file, std::shared_ptr<const void>(file, [](const void* f) {
                          hearth_file_free(static_cast<hearth_file*>(const_cast<void*>(f)));
                        }));
          },
          py::arg("path"))
      .def("close", &File::Close)
      .def_property_readonly("version", [](const File& f) { return hearth_file_version(f.get()); })
      .def_property_readonly("architecture",
                             [](const File& f) {
                               const char* arch = hearth_file_architecture(f.get());
                               return py::str(arch != nullptr ? arch : "");
                             })
      .def("metadata_count", [](const File& f) { return hearth_file_metadata_count(f.get()); })
      .def("metadata_key",
           [](const File& f, int64_t index) -> py::object {
             const char* key = hearth_file_metadata_key(f.get(), index);
             if (key == nullptr) throw py::index_error("metadata index out of range");
             return DecodeUtf8(key, std::char_traits<char>::length(key));
           })
      .def("metadata_type",
           [](const File& f, const std::string& key) {
             hearth_value_type type;
             hearth_value_type element_type;
             uint64_t length = 0;
             Check(hearth_file_metadata_type(f.get(), key.c_str(), &type, &element_type, &length));
             return py::make_tuple(static_cast<int>(type), static_cast<int>(element_type), length);
           })
      .def("metadata_value", [](const File& f, const std::string& key) { return MetadataValue(f.get(), key); })
      .def(
          "metadata_json",
          [](const File& f, const std::string& key, uint64_t max_elements) {
            const std::string json = MetadataJson(f.get(), key, max_elements);
            return DecodeUtf8(json.data(), json.size());
          },
          py::arg("key"), py::arg("max_elements") = 0)
      .def("tensor_count", [](const File& f) { return hearth_file_tensor_count(f.get()); })
      .def("tensor_info", [](const File& f, int64_t index) { return TensorInfo(f.get(), index); });
}

}  // namespace hearth::python
