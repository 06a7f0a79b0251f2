#include "lib/gguf/gguf_value.h"

#include <cstring>
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
  value.chars_ = std::move(v);
  return value;
}

Value Value::Array(ValueType element_type, std::vector<Value> elements) {
  Value value = EmptyArray(element_type);
  size_t string_bytes = 0;
  if (element_type == ValueType::kString) {
    for (const Value& e : elements) string_bytes += e.type_ == ValueType::kString ? e.chars_.size() + 1 : 0;
  }
  value.Reserve(elements.size(), string_bytes);
  for (Value& e : elements) value.Append(std::move(e));
  return value;
}

Value Value::EmptyArray(ValueType element_type) {
  Value value;
  value.type_ = ValueType::kArray;
  value.element_type_ = element_type;
  return value;
}

Value Value::element(size_t i) const {
  if (!items_.empty()) return items_[i];
  if (element_type_ == ValueType::kString) return String(std::string(string_element(i)));
  Value value;
  value.type_ = element_type_;
  value.u_ = slots_[i];
  return value;
}

std::string_view Value::string_element(size_t i) const {
  if (!items_.empty()) return items_[i].chars_;
  const size_t begin = i == 0 ? 0 : slots_[i - 1] + 1;
  return std::string_view(chars_.data() + begin, slots_[i] - begin);
}

int64_t Value::raw_int_element(size_t i) const {
  if (!items_.empty()) return items_[i].i_;
  int64_t v;
  std::memcpy(&v, &slots_[i], sizeof(v));
  return v;
}

double Value::raw_float_element(size_t i) const {
  if (!items_.empty()) return items_[i].f_;
  double v;
  std::memcpy(&v, &slots_[i], sizeof(v));
  return v;
}

void Value::Reserve(size_t count, size_t string_bytes) {
  if (elements_boxed()) {
    items_.reserve(count);
    return;
  }
  slots_.reserve(count);
  if (element_type_ == ValueType::kString) chars_.reserve(string_bytes);
}

void Value::Append(Value element) {
  if (elements_boxed() || element.type_ != element_type_) {
    if (!elements_boxed()) Box();
    items_.push_back(std::move(element));  // Non-empty from here on, so the array stays boxed.
  } else if (element_type_ == ValueType::kString) {
    AppendString(element.chars_);
  } else {
    slots_.push_back(element.u_);
  }
}

void Value::AppendString(std::string_view s) {
  if (!compact_strings()) {
    Append(String(std::string(s)));
    return;
  }
  chars_.append(s.data(), s.size());
  slots_.push_back(chars_.size());
  chars_.push_back('\0');
}

// Turns compact elements into Values, so that an element of another type can join them.
void Value::Box() {
  std::vector<Value> items;
  items.reserve(size() + 1);
  for (size_t i = 0; i < size(); ++i) items.push_back(element(i));
  items_ = std::move(items);
  slots_ = {};
  chars_ = {};
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
  if (type_ == ValueType::kString) return std::string_view(chars_);
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
      return absl::StrCat("\"", absl::CEscape(chars_), "\"");
    case ValueType::kArray: {
      std::string out = absl::StrCat(AV(ValueTypeName(element_type_)), "[", size(), "] [");
      for (size_t i = 0; i < size() && i < max_elements; ++i) {
        if (i > 0) out += ", ";
        out += elements_boxed() ? items_[i].DebugString(max_elements) : element(i).DebugString(max_elements);
      }
      if (size() > max_elements) out += ", ...";
      out += "]";
      return out;
    }
  }
  return "<invalid>";
}

}  // namespace hearth::gguf
