#include "lib/gguf/gguf_value.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/gguf/absl_compat.h"

namespace hearth::gguf {
namespace {

absl::Status WrongType(ValueType actual, std::string_view wanted) {
  return absl::InvalidArgumentError(
      absl::StrCat("value has type ", AV(ValueTypeName(actual)), ", not ", AV(wanted)));
}

bool IsUnsignedType(ValueType t) {
  return t == ValueType::kUint8 || t == ValueType::kUint16 || t == ValueType::kUint32 ||
         t == ValueType::kUint64;
}

bool IsSignedType(ValueType t) {
  return t == ValueType::kInt8 || t == ValueType::kInt16 || t == ValueType::kInt32 || t == ValueType::kInt64;
}

}  // namespace

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kUint8:
      return "uint8";
    case ValueType::kInt8:
      return "int8";
    case ValueType::kUint16:
      return "uint16";
    case ValueType::kInt16:
      return "int16";
    case ValueType::kUint32:
      return "uint32";
    case ValueType::kInt32:
      return "int32";
    case ValueType::kFloat32:
      return "float32";
    case ValueType::kBool:
      return "bool";
    case ValueType::kString:
      return "string";
    case ValueType::kArray:
      return "array";
    case ValueType::kUint64:
      return "uint64";
    case ValueType::kInt64:
      return "int64";
    case ValueType::kFloat64:
      return "float64";
  }
  return "invalid";
}

bool IsValidValueType(uint32_t raw) { return raw <= static_cast<uint32_t>(ValueType::kFloat64); }

Value Value::Uint(ValueType type, uint64_t v) {
  Value value;
  value.type_ = IsUnsignedType(type) ? type : ValueType::kUint64;
  value.u_ = v;
  return value;
}

Value Value::Int(ValueType type, int64_t v) {
  Value value;
  value.type_ = IsSignedType(type) ? type : ValueType::kInt64;
  value.i_ = v;
  return value;
}

Value Value::Float(ValueType type, double v) {
  Value value;
  value.type_ = type == ValueType::kFloat32 ? ValueType::kFloat32 : ValueType::kFloat64;
  value.f_ = v;
  return value;
}

Value Value::Bool(bool v) {
  Value value;
  value.type_ = ValueType::kBool;
  value.u_ = v ? 1 : 0;
  return value;
}

Value Value::String(std::string v) {
  Value value;
  value.type_ = ValueType::kString;
  value.s_ = std::move(v);
  return value;
}

Value Value::Array(ValueType element_type, std::vector<Value> elements) {
  Value value;
  value.type_ = ValueType::kArray;
  value.element_type_ = element_type;
  value.elements_ = std::move(elements);
  return value;
}

bool Value::is_integer() const { return IsUnsignedType(type_) || IsSignedType(type_); }

absl::StatusOr<uint64_t> Value::AsUint() const {
  if (IsUnsignedType(type_)) return u_;
  if (IsSignedType(type_)) {
    if (i_ < 0) {
      return absl::OutOfRangeError(
          absl::StrCat(AV(ValueTypeName(type_)), " value ", i_, " is negative, not an unsigned integer"));
    }
    return static_cast<uint64_t>(i_);
  }
  return WrongType(type_, "an integer");
}

absl::StatusOr<int64_t> Value::AsInt() const {
  if (IsSignedType(type_)) return i_;
  if (IsUnsignedType(type_)) {
    if (u_ > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::OutOfRangeError(
          absl::StrCat(AV(ValueTypeName(type_)), " value ", u_, " does not fit in int64"));
    }
    return static_cast<int64_t>(u_);
  }
  return WrongType(type_, "an integer");
}

absl::StatusOr<double> Value::AsFloat() const {
  if (is_float()) return f_;
  return WrongType(type_, "a float");
}

absl::StatusOr<bool> Value::AsBool() const {
  if (type_ == ValueType::kBool) return u_ != 0;
  return WrongType(type_, "bool");
}

absl::StatusOr<std::string_view> Value::AsString() const {
  if (type_ == ValueType::kString) return std::string_view(s_);
  return WrongType(type_, "string");
}

std::string Value::DebugString(size_t max_elements) const {
  switch (type_) {
    case ValueType::kUint8:
    case ValueType::kUint16:
    case ValueType::kUint32:
    case ValueType::kUint64:
      return absl::StrCat(u_);
    case ValueType::kInt8:
    case ValueType::kInt16:
    case ValueType::kInt32:
    case ValueType::kInt64:
      return absl::StrCat(i_);
    case ValueType::kFloat32:
    case ValueType::kFloat64:
      return absl::StrFormat("%g", f_);
    case ValueType::kBool:
      return u_ != 0 ? "true" : "false";
    case ValueType::kString:
      return absl::StrCat("\"", absl::CEscape(s_), "\"");
    case ValueType::kArray: {
      std::string out = absl::StrCat(AV(ValueTypeName(element_type_)), "[", elements_.size(), "] [");
      for (size_t i = 0; i < elements_.size() && i < max_elements; ++i) {
        if (i > 0) out += ", ";
        out += elements_[i].DebugString(max_elements);
      }
      if (elements_.size() > max_elements) out += ", ...";
      out += "]";
      return out;
    }
  }
  return "<invalid>";
}

}  // namespace hearth::gguf
