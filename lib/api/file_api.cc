// hearth_file_*: metadata and tensor table of any GGUF file, straight from the GGUF reader.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "hearth/hearth.h"
#include "kernels/formats/ggml_type.h"
#include "lib/api/api_internal.h"
#include "lib/api/value_json.h"
#include "lib/gguf/gguf_file.h"
#include "lib/gguf/gguf_value.h"

namespace hearth::api {
namespace {

using gguf::Value;
using gguf::ValueType;


// Looks up `key`, recording NOT_FOUND / INVALID_ARGUMENT errors.
hearth_status FindValue(const hearth_file* file, const char* key, const Value** out) {
  if (file == nullptr) return InvalidArgument("file is NULL");
  if (key == nullptr) return InvalidArgument("key is NULL");
  const Value* value = file->gguf->metadata().Find(key);
  if (value == nullptr) {
    return Fail(HEARTH_ERROR_NOT_FOUND, absl::StrCat("metadata key '", key, "' not found"));
  }
  *out = value;
  return HEARTH_OK;
}

hearth_status WrongType(const char* key, ValueType type, const char* wanted) {
  return Fail(HEARTH_ERROR_WRONG_TYPE, absl::StrCat("metadata key '", key, "' holds ",
                                                    std::string(gguf::ValueTypeName(type)), ", not ", wanted));
}

hearth_status WrongType(const char* key, const Value& value, const char* wanted) {
  return WrongType(key, value.type(), wanted);
}

// The array under `key`, checking that it has an element `index`.
hearth_status FindArray(const hearth_file* file, const char* key, uint64_t index, const Value** out) {
  const Value* array = nullptr;
  if (hearth_status s = FindValue(file, key, &array); s != HEARTH_OK) return s;
  if (array->type() != ValueType::kArray) return WrongType(key, *array, "an array");
  if (index >= array->size()) {
    return InvalidArgument(absl::StrCat("index ", index, " is out of range for '", key, "' (length ",
                                        array->size(), ")"));
  }
  *out = array;
  return HEARTH_OK;
}

// Passes element `index` of `array` to `read` (ReadInt, ReadFloat). Boxed elements go by reference and
// scalar ones as a copy, which does not allocate; a string element would only fail the reader's type
// check, so an empty string stands in for it rather than a copy.
template <typename Reader>
hearth_status ReadElement(const Value& array, uint64_t index, Reader read) {
  if (array.elements_boxed()) return read(array.array_element(index));
  if (array.element_type() == ValueType::kString) return read(Value::String(std::string()));
  return read(array.element(index));
}

hearth_status ReadInt(const char* key, const Value& value, int64_t* out) {
  if (out == nullptr) return InvalidArgument("out is NULL");
  if (!value.is_integer()) return WrongType(key, value, "an integer");
  auto v = value.AsInt();
  if (!v.ok()) {
    return Fail(HEARTH_ERROR_WRONG_TYPE,
                absl::StrCat("metadata key '", key, "': value does not fit in int64"));
  }
  *out = *v;
  return HEARTH_OK;
}

hearth_status ReadUint(const char* key, const Value& value, uint64_t* out) {
  if (out == nullptr) return InvalidArgument("out is NULL");
  if (!value.is_integer()) return WrongType(key, value, "an integer");
  auto v = value.AsUint();
  if (!v.ok()) {
    return Fail(HEARTH_ERROR_WRONG_TYPE,
                absl::StrCat("metadata key '", key, "': value does not fit in uint64 (negative)"));
  }
  *out = *v;
  return HEARTH_OK;
}

hearth_status ReadFloat(const char* key, const Value& value, double* out) {
  if (out == nullptr) return InvalidArgument("out is NULL");
  if (!value.is_float()) return WrongType(key, value, "a float");
  *out = value.raw_float();
  return HEARTH_OK;
}

hearth_status ReadString(const char* key, const Value& value, const char** out, size_t* out_length) {
  if (out == nullptr) return InvalidArgument("out is NULL");
  if (value.type() != ValueType::kString) return WrongType(key, value, "a string");
  // The Value owns a std::string, which is already NUL-terminated and lives as long as the file.
  *out = value.raw_string().c_str();
  if (out_length != nullptr) *out_length = value.raw_string().size();
  return HEARTH_OK;
}

hearth_status ReadStringElement(const char* key, const Value& array, uint64_t index, const char** out,
                                size_t* out_length) {
  if (array.elements_boxed()) return ReadString(key, array.array_element(index), out, out_length);
  if (out == nullptr) return InvalidArgument("out is NULL");
  if (array.element_type() != ValueType::kString) return WrongType(key, array.element_type(), "a string");
  // Compact string elements are NUL-terminated in the array's buffer, which lives as long as the file.
  const std::string_view s = array.string_element(index);
  *out = s.data();
  if (out_length != nullptr) *out_length = s.size();
  return HEARTH_OK;
}

}  // namespace
}  // namespace hearth::api

using hearth::api::Fail;
using hearth::api::Guard;
using hearth::api::GuardValue;
using hearth::api::InvalidArgument;

extern "C" {

hearth_status hearth_file_open(const char* path, hearth_file** out_file) {
  return Guard([&]() -> hearth_status {
    if (out_file == nullptr) return InvalidArgument("out_file is NULL");
    *out_file = nullptr;
    if (path == nullptr) return InvalidArgument("path is NULL");
    auto opened = hearth::gguf::GgufFile::Open(path);
    if (!opened.ok()) return hearth::api::Report(opened.status(), hearth::api::ErrorDomain::kFile);
    auto file = std::make_unique<hearth_file>();
    file->owned = std::move(opened).value();
    file->gguf = file->owned.get();
    *out_file = file.release();
    return HEARTH_OK;
  });
}

void hearth_file_free(hearth_file* file) { delete file; }

uint32_t hearth_file_version(const hearth_file* file) {
  if (file == nullptr) {
    InvalidArgument("file is NULL");
    return 0;
  }
  return file->gguf->version();
}

const char* hearth_file_architecture(const hearth_file* file) {
  if (file == nullptr) {
    InvalidArgument("file is NULL");
    return nullptr;
  }
  const auto* value = file->gguf->metadata().Find("general.architecture");
  if (value == nullptr || value->type() != hearth::gguf::ValueType::kString) return "";
  return value->raw_string().c_str();
}

int64_t hearth_file_metadata_count(const hearth_file* file) {
  if (file == nullptr) {
    InvalidArgument("file is NULL");
    return -1;
  }
  return static_cast<int64_t>(file->gguf->metadata().size());
}

const char* hearth_file_metadata_key(const hearth_file* file, int64_t index) {
  if (file == nullptr) {
    InvalidArgument("file is NULL");
    return nullptr;
  }
  const auto& entries = file->gguf->metadata().entries();
  if (index < 0 || static_cast<uint64_t>(index) >= entries.size()) {
    InvalidArgument("metadata index out of range");
    return nullptr;
  }
  return entries[static_cast<size_t>(index)].first.c_str();
}

hearth_status hearth_file_metadata_type(const hearth_file* file, const char* key, hearth_value_type* out_type,
                                        hearth_value_type* out_element_type, uint64_t* out_length) {
  return Guard([&]() -> hearth_status {
    if (out_type == nullptr) return InvalidArgument("out_type is NULL");
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindValue(file, key, &value); s != HEARTH_OK) return s;
    *out_type = static_cast<hearth_value_type>(value->type());
    const bool is_array = value->type() == hearth::gguf::ValueType::kArray;
    if (out_element_type != nullptr) {
      *out_element_type = static_cast<hearth_value_type>(is_array ? value->element_type() : value->type());
    }
    if (out_length != nullptr) *out_length = is_array ? value->size() : 1;
    return HEARTH_OK;
  });
}

hearth_status hearth_file_metadata_get_int(const hearth_file* file, const char* key, int64_t* out) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindValue(file, key, &value); s != HEARTH_OK) return s;
    return hearth::api::ReadInt(key, *value, out);
  });
}

hearth_status hearth_file_metadata_get_uint(const hearth_file* file, const char* key, uint64_t* out) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindValue(file, key, &value); s != HEARTH_OK) return s;
    return hearth::api::ReadUint(key, *value, out);
  });
}

hearth_status hearth_file_metadata_get_float(const hearth_file* file, const char* key, double* out) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindValue(file, key, &value); s != HEARTH_OK) return s;
    return hearth::api::ReadFloat(key, *value, out);
  });
}

hearth_status hearth_file_metadata_get_bool(const hearth_file* file, const char* key, int32_t* out) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindValue(file, key, &value); s != HEARTH_OK) return s;
    if (out == nullptr) return InvalidArgument("out is NULL");
    if (value->type() != hearth::gguf::ValueType::kBool) return hearth::api::WrongType(key, *value, "a bool");
    *out = value->raw_uint() != 0 ? 1 : 0;
    return HEARTH_OK;
  });
}

hearth_status hearth_file_metadata_get_string(const hearth_file* file, const char* key, const char** out,
                                              size_t* out_length) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindValue(file, key, &value); s != HEARTH_OK) return s;
    return hearth::api::ReadString(key, *value, out, out_length);
  });
}

hearth_status hearth_file_metadata_array_get_int(const hearth_file* file, const char* key, uint64_t index,
                                                 int64_t* out) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindArray(file, key, index, &value); s != HEARTH_OK) return s;
    return hearth::api::ReadElement(*value, index, [&](const hearth::gguf::Value& element) {
      return hearth::api::ReadInt(key, element, out);
    });
  });
}

hearth_status hearth_file_metadata_array_get_float(const hearth_file* file, const char* key, uint64_t index,
                                                   double* out) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindArray(file, key, index, &value); s != HEARTH_OK) return s;
    return hearth::api::ReadElement(*value, index, [&](const hearth::gguf::Value& element) {
      return hearth::api::ReadFloat(key, element, out);
    });
  });
}

hearth_status hearth_file_metadata_array_get_string(const hearth_file* file, const char* key, uint64_t index,
                                                    const char** out, size_t* out_length) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindArray(file, key, index, &value); s != HEARTH_OK) return s;
    return hearth::api::ReadStringElement(key, *value, index, out, out_length);
  });
}

hearth_status hearth_file_metadata_to_json(const hearth_file* file, const char* key, uint64_t max_elements,
                                           char* buffer, size_t capacity, size_t* out_length) {
  return Guard([&]() -> hearth_status {
    const hearth::gguf::Value* value = nullptr;
    if (hearth_status s = hearth::api::FindValue(file, key, &value); s != HEARTH_OK) return s;
    std::string json;
    hearth::api::AppendJsonValue(*value, max_elements, &json);
    return hearth::api::WriteString(json, buffer, capacity, out_length);
  });
}

int64_t hearth_file_tensor_count(const hearth_file* file) {
  if (file == nullptr) {
    InvalidArgument("file is NULL");
    return -1;
  }
  return static_cast<int64_t>(file->gguf->tensors().size());
}

hearth_status hearth_file_tensor_info(const hearth_file* file, int64_t index, hearth_tensor_info* out_info) {
  return Guard([&]() -> hearth_status {
    if (file == nullptr) return InvalidArgument("file is NULL");
    if (hearth_status s = hearth::api::CheckStructSize(out_info, sizeof(hearth_tensor_info), "out_info");
        s != HEARTH_OK) {
      return s;
    }
    const auto& tensors = file->gguf->tensors();
    if (index < 0 || static_cast<uint64_t>(index) >= tensors.size()) {
      return InvalidArgument(absl::StrCat("tensor index ", index, " is out of range (", tensors.size(),
                                          " tensors)"));
    }
    const hearth::gguf::TensorInfo& t = tensors[static_cast<size_t>(index)];
    hearth_tensor_info info;
    info.struct_size = sizeof(hearth_tensor_info);
    info.name = t.name.c_str();
    info.type = static_cast<uint32_t>(t.type);
    const hearth::GgmlTypeInfo* type_info = hearth::FindGgmlTypeInfo(info.type);
    info.type_name = type_info != nullptr ? type_info->name.data() : "unknown";
    info.n_dims = static_cast<int32_t>(t.shape.size());
    for (int d = 0; d < 4; ++d) {
      info.shape[d] = d < static_cast<int>(t.shape.size()) ? t.shape[static_cast<size_t>(d)] : 1;
    }
    info.offset = file->gguf->data_offset() + t.offset;
    info.n_bytes = t.n_bytes;
    // Fill only the known prefix; a larger caller struct keeps its unknown tail untouched.
    const size_t caller_size = out_info->struct_size;
    std::memcpy(out_info, &info, sizeof(info));
    out_info->struct_size = caller_size;
    return HEARTH_OK;
  });
}

}  // extern "C"
