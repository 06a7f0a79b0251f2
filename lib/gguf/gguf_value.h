// GGUF metadata values: the 13 value types of the format, including arrays of strings and nested arrays.
#ifndef HEARTH_LIB_GGUF_GGUF_VALUE_H_
#define HEARTH_LIB_GGUF_GGUF_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace hearth::gguf {

enum class ValueType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};

std::string_view ValueTypeName(ValueType type);
bool IsValidValueType(uint32_t raw);

// A metadata value. Owns its data (metadata is small next to tensor data, which is never copied).
class Value {
 public:
  Value() = default;
  // Scalars; a `type` outside the family (e.g. Uint(kString, ...)) falls back to its 64-bit member.
  // Range is not checked here: the writer rejects a value that does not fit its declared width.
  static Value Uint(ValueType type, uint64_t v);  // kUint8/16/32/64
  static Value Int(ValueType type, int64_t v);    // kInt8/16/32/64
  static Value Float(ValueType type, double v);   // kFloat32/64
  static Value Bool(bool v);
  static Value String(std::string v);
  // All elements must have type `element_type` (arrays of arrays may differ in their inner types).
  static Value Array(ValueType element_type, std::vector<Value> elements);

  ValueType type() const { return type_; }
  bool is_integer() const;
  bool is_float() const { return type_ == ValueType::kFloat32 || type_ == ValueType::kFloat64; }

  // Typed reads; a value of another type is an InvalidArgument error naming both types.
  // AsUint/AsInt accept any integer type whose value fits.
  absl::StatusOr<uint64_t> AsUint() const;
  absl::StatusOr<int64_t> AsInt() const;
  absl::StatusOr<double> AsFloat() const;  // kFloat32/64 only.
  absl::StatusOr<bool> AsBool() const;
  absl::StatusOr<std::string_view> AsString() const;

  // Arrays.
  ValueType element_type() const { return element_type_; }
  const std::vector<Value>& elements() const { return elements_; }

  // Raw scalar storage (valid for the matching type); the writer and printers use these.
  uint64_t raw_uint() const { return u_; }
  int64_t raw_int() const { return i_; }
  double raw_float() const { return f_; }
  const std::string& raw_string() const { return s_; }

  // A short human-readable rendering (arrays abbreviated after `max_elements`).
  std::string DebugString(size_t max_elements = 8) const;

 private:
  ValueType type_ = ValueType::kUint8;
  ValueType element_type_ = ValueType::kUint8;
  // One scalar slot: every read is guarded by type_ (the raw_* getters are for the matching type only).
  // Tokenizer arrays hold ~150k Values each, so every byte here counts.
  union {
    uint64_t u_ = 0;
    int64_t i_;
    double f_;
  };
  std::string s_;
  std::vector<Value> elements_;
};

}  // namespace hearth::gguf

#endif  // HEARTH_LIB_GGUF_GGUF_VALUE_H_
