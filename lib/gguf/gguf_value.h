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
//
// Arrays are stored compactly because tokenizer arrays hold ~150k elements and live as long as the model:
// scalar elements as one 64-bit slot each (the bits of the scalar slot below), string elements back to back
// in one character buffer, each followed by a NUL (so the C API can hand out `const char*`), with their
// end offsets in the slots. Only arrays of arrays, and hand-built arrays whose elements do not all have
// the element type (which the writer must still be able to reject), keep one Value per element ("boxed").
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
  // All elements should have type `element_type` (arrays of arrays may differ in their inner types);
  // mismatched elements are kept boxed, and the writer rejects them.
  static Value Array(ValueType element_type, std::vector<Value> elements);
  // An empty array to fill with Append*, element by element (the parser's path: no Value per element).
  static Value EmptyArray(ValueType element_type);

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

  // Arrays. Element accessors take i < size(); the typed ones also need the matching element_type().
  ValueType element_type() const { return element_type_; }
  size_t size() const { return items_.empty() ? slots_.size() : items_.size(); }  // 0 for a scalar.
  // Element i as a Value of its own (copies a string or a nested array).
  Value element(size_t i) const;
  // kString elements: a view into the buffer, whose data()[size()] is a NUL that lives as long as *this.
  std::string_view string_element(size_t i) const;
  // Raw scalar element storage, as raw_uint/raw_int/raw_float below.
  uint64_t raw_uint_element(size_t i) const { return items_.empty() ? slots_[i] : items_[i].u_; }
  int64_t raw_int_element(size_t i) const;
  double raw_float_element(size_t i) const;
  // Whether each element is a Value of its own: always for arrays of arrays, and for hand-built arrays
  // with mismatched elements. Then array_element(i) is element i by reference.
  bool elements_boxed() const { return !items_.empty() || element_type_ == ValueType::kArray; }
  const Value& array_element(size_t i) const { return items_[i]; }

  // Building arrays (on a Value made by Array or EmptyArray). Reserve sizes the storage exactly, so the
  // parser, which knows the count (and the string bytes) in advance, allocates once.
  void Reserve(size_t count, size_t string_bytes = 0);
  void Append(Value element);             // Any element; one of another type boxes the array.
  void AppendString(std::string_view s);  // A kString element without a temporary Value.

  // Raw scalar storage (valid for the matching type); the writer and printers use these.
  uint64_t raw_uint() const { return u_; }
  int64_t raw_int() const { return i_; }
  double raw_float() const { return f_; }
  const std::string& raw_string() const { return chars_; }

  // A short human-readable rendering (arrays abbreviated after `max_elements`).
  std::string DebugString(size_t max_elements = 8) const;

 private:
  bool compact_strings() const { return element_type_ == ValueType::kString && items_.empty(); }
  void Box();

  ValueType type_ = ValueType::kUint8;
  ValueType element_type_ = ValueType::kUint8;
  // One scalar slot: every read is guarded by type_ (the raw_* getters are for the matching type only).
  union {
    uint64_t u_ = 0;
    int64_t i_;
    double f_;
  };
  // A kString value's text; for a compact string array, every element followed by a NUL.
  std::string chars_;
  // Compact arrays: the scalar slot of each element, or for strings the offset in chars_ where each
  // element ends (its NUL).
  std::vector<uint64_t> slots_;
  std::vector<Value> items_;  // Boxed elements.
};

}  // namespace hearth::gguf

#endif  // HEARTH_LIB_GGUF_GGUF_VALUE_H_
