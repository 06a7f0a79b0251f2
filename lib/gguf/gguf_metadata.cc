// Metadata: ordered key/value pairs with typed accessors whose errors name the key.
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/gguf/absl_compat.h"
#include "lib/gguf/gguf_file.h"

namespace hearth::gguf {
namespace {

// Prefixes a value-level error with the key it concerns, keeping the status code.
absl::Status ForKey(std::string_view key, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("metadata key '", AV(key), "': ", status.message()));
}

absl::Status NotFound(std::string_view key) {
  return absl::NotFoundError(absl::StrCat("metadata key '", AV(key), "' not found"));
}

absl::Status NotArrayOf(std::string_view key, const Value& v, std::string_view wanted) {
  if (v.type() != ValueType::kArray) {
    return absl::InvalidArgumentError(absl::StrCat("metadata key '", AV(key), "' has type ",
                                                   AV(ValueTypeName(v.type())), ", not an array of ",
                                                   AV(wanted)));
  }
  return absl::InvalidArgumentError(absl::StrCat("metadata key '", AV(key), "' is an array of ",
                                                 AV(ValueTypeName(v.element_type())), ", not of ",
                                                 AV(wanted)));
}

bool IsIntegerType(ValueType t) {
  switch (t) {
    case ValueType::kUint8:
    case ValueType::kInt8:
    case ValueType::kUint16:
    case ValueType::kInt16:
    case ValueType::kUint32:
    case ValueType::kInt32:
    case ValueType::kUint64:
    case ValueType::kInt64:
      return true;
    default:
      return false;
  }
}

}  // namespace

void Metadata::Add(std::string key, Value value) {
  index_.emplace(key, entries_.size());
  entries_.emplace_back(std::move(key), std::move(value));
}

void Metadata::Set(std::string key, Value value) {
  auto it = index_.find(AV(key));
  if (it != index_.end()) {
    entries_[it->second].second = std::move(value);
    return;
  }
  Add(std::move(key), std::move(value));
}

const Value* Metadata::Find(std::string_view key) const {
  auto it = index_.find(AV(key));
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

absl::StatusOr<uint64_t> Metadata::GetUint(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return NotFound(key);
  auto r = v->AsUint();
  if (!r.ok()) return ForKey(key, r.status());
  return *r;
}

absl::StatusOr<int64_t> Metadata::GetInt(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return NotFound(key);
  auto r = v->AsInt();
  if (!r.ok()) return ForKey(key, r.status());
  return *r;
}

absl::StatusOr<double> Metadata::GetFloat(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return NotFound(key);
  auto r = v->AsFloat();
  if (!r.ok()) return ForKey(key, r.status());
  return *r;
}

absl::StatusOr<bool> Metadata::GetBool(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return NotFound(key);
  auto r = v->AsBool();
  if (!r.ok()) return ForKey(key, r.status());
  return *r;
}

absl::StatusOr<std::string_view> Metadata::GetString(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return NotFound(key);
  auto r = v->AsString();
  if (!r.ok()) return ForKey(key, r.status());
  return *r;
}

absl::StatusOr<std::vector<std::string_view>> Metadata::GetStringArray(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return NotFound(key);
  if (v->type() != ValueType::kArray || v->element_type() != ValueType::kString) {
    return NotArrayOf(key, *v, "string");
  }
  std::vector<std::string_view> out;
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) out.push_back(v->string_element(i));
  return out;
}

absl::StatusOr<std::vector<int64_t>> Metadata::GetIntArray(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return NotFound(key);
  if (v->type() != ValueType::kArray || !IsIntegerType(v->element_type())) {
    return NotArrayOf(key, *v, "integers");
  }
  std::vector<int64_t> out;
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    auto r = v->element(i).AsInt();  // Integer elements: a copy without allocation.
    if (!r.ok()) return ForKey(absl::StrCat(AV(key), "[", i, "]"), r.status());
    out.push_back(*r);
  }
  return out;
}

absl::StatusOr<std::vector<float>> Metadata::GetFloatArray(std::string_view key) const {
  const Value* v = Find(key);
  if (v == nullptr) return NotFound(key);
  if (v->type() != ValueType::kArray ||
      !(v->element_type() == ValueType::kFloat32 || v->element_type() == ValueType::kFloat64)) {
    return NotArrayOf(key, *v, "floats");
  }
  std::vector<float> out;
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) out.push_back(static_cast<float>(v->raw_float_element(i)));
  return out;
}

}  // namespace hearth::gguf
