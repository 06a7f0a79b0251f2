// Test helpers: a raw little-endian GGUF byte builder (for malformed files) and a small valid file.
#ifndef HEARTH_TESTS_LIB_GGUF_GGUF_TEST_UTIL_H_
#define HEARTH_TESTS_LIB_GGUF_GGUF_TEST_UTIL_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "lib/gguf/gguf_file.h"
#include "lib/gguf/gguf_writer.h"

namespace hearth::gguf::testing {

// Appends raw encodings; nothing is validated, so any malformed layout can be expressed.
class RawGguf {
 public:
  // Magic, version, tensor count, kv count.
  RawGguf& Header(uint64_t n_tensors, uint64_t n_kv, uint32_t version = 3) {
    U32(kGgufMagic);
    U32(version);
    U64(n_tensors);
    return U64(n_kv);
  }
  RawGguf& U8(uint8_t v) { return Put(v); }
  RawGguf& U32(uint32_t v) { return Put(v); }
  RawGguf& I32(int32_t v) { return Put(v); }
  RawGguf& U64(uint64_t v) { return Put(v); }
  RawGguf& F32(float v) { return Put(v); }
  RawGguf& Str(const std::string& s) {
    U64(s.size());
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  // A string key/value pair.
  RawGguf& KvString(const std::string& key, const std::string& value) {
    Str(key);
    U32(static_cast<uint32_t>(ValueType::kString));
    return Str(value);
  }
  RawGguf& KvU32(const std::string& key, uint32_t value) {
    Str(key);
    U32(static_cast<uint32_t>(ValueType::kUint32));
    return U32(value);
  }
  RawGguf& Arch(const std::string& arch = "llama") { return KvString("general.architecture", arch); }
  RawGguf& TensorInfo(const std::string& name, const std::vector<uint64_t>& dims, uint32_t type,
                      uint64_t offset) {
    Str(name);
    U32(static_cast<uint32_t>(dims.size()));
    for (uint64_t d : dims) U64(d);
    U32(type);
    return U64(offset);
  }
  RawGguf& PadTo(size_t alignment) {
    while (bytes_.size() % alignment != 0) bytes_.push_back(0);
    return *this;
  }
  RawGguf& Zeros(size_t n) {
    bytes_.insert(bytes_.end(), n, 0);
    return *this;
  }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  template <typename T>
  RawGguf& Put(T v) {
    uint8_t buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    bytes_.insert(bytes_.end(), buf, buf + sizeof(T));
    return *this;
  }
  std::vector<uint8_t> bytes_;
};

inline absl::Span<const uint8_t> AsBytes(const std::string& s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// The status of parsing `bytes`.
inline absl::Status ParseStatus(absl::Span<const uint8_t> bytes) { return GgufFile::Parse(bytes).status(); }
inline absl::Status ParseStatus(const RawGguf& raw) { return ParseStatus(absl::MakeConstSpan(raw.bytes())); }

// Tensor payloads for SmallValidFile (kept alive for the writer).
struct SmallFileData {
  std::vector<uint8_t> f32_vec;  // F32 [8]: 32 bytes, so the file ends exactly at a tensor's end.
  std::vector<uint8_t> q8_mat;   // Q8_0 [64, 3]: 2 blocks of 34 bytes per row.
  std::vector<uint8_t> f16_mat;  // F16 [4, 2, 3].
};

// A small valid GGUF file using every value type, string arrays and nested arrays, and three tensors.
inline std::string SmallValidFile(SmallFileData& data, uint32_t version = 3) {
  data.f32_vec.assign(32, 0);
  for (size_t i = 0; i < data.f32_vec.size(); ++i) data.f32_vec[i] = static_cast<uint8_t>(i * 7 + 1);
  data.q8_mat.assign(3 * 2 * 34, 0);
  for (size_t i = 0; i < data.q8_mat.size(); ++i) data.q8_mat[i] = static_cast<uint8_t>(i * 13 + 5);
  data.f16_mat.assign(4 * 2 * 3 * 2, 0);
  for (size_t i = 0; i < data.f16_mat.size(); ++i) data.f16_mat[i] = static_cast<uint8_t>(i * 3 + 2);

  GgufWriter w(version);
  w.SetValue("general.architecture", Value::String("llama"));
  w.SetValue("general.name", Value::String("tiny test"));
  w.SetValue("test.u8", Value::Uint(ValueType::kUint8, 200));
  w.SetValue("test.i8", Value::Int(ValueType::kInt8, -100));
  w.SetValue("test.u16", Value::Uint(ValueType::kUint16, 60000));
  w.SetValue("test.i16", Value::Int(ValueType::kInt16, -30000));
  w.SetValue("test.u32", Value::Uint(ValueType::kUint32, 4000000000u));
  w.SetValue("test.i32", Value::Int(ValueType::kInt32, -2000000000));
  w.SetValue("test.u64", Value::Uint(ValueType::kUint64, 18000000000000000000ull));
  w.SetValue("test.i64", Value::Int(ValueType::kInt64, -9000000000000000000ll));
  w.SetValue("test.f32", Value::Float(ValueType::kFloat32, 0.5));
  w.SetValue("test.f64", Value::Float(ValueType::kFloat64, -1.25e300));
  w.SetValue("test.bool", Value::Bool(true));
  w.SetValue("test.strings", Value::Array(ValueType::kString, {Value::String("a"), Value::String(""),
                                                               Value::String("hello world")}));
  w.SetValue("test.ints", Value::Array(ValueType::kInt32, {Value::Int(ValueType::kInt32, 1),
                                                           Value::Int(ValueType::kInt32, -2)}));
  w.SetValue("test.floats", Value::Array(ValueType::kFloat32, {Value::Float(ValueType::kFloat32, 1.5),
                                                               Value::Float(ValueType::kFloat32, -3)}));
  w.SetValue(
      "test.nested",
      Value::Array(ValueType::kArray, {Value::Array(ValueType::kUint8, {Value::Uint(ValueType::kUint8, 7)}),
                                       Value::Array(ValueType::kString, {Value::String("x")}),
                                       Value::Array(ValueType::kBool, {})}));
  w.SetValue("test.empty", Value::Array(ValueType::kUint64, {}));
  absl::Status s = w.AddTensor("blk.0.attn_q.weight", GgmlType::kQ8_0, {64, 3}, data.q8_mat);
  if (s.ok()) s = w.AddTensor("blk.0.ffn.weight", GgmlType::kF16, {4, 2, 3}, data.f16_mat);
  if (s.ok()) s = w.AddTensor("output_norm.weight", GgmlType::kF32, {8}, data.f32_vec);
  if (!s.ok()) return "";
  auto out = w.Serialize();
  return out.ok() ? *out : "";
}

}  // namespace hearth::gguf::testing

#endif  // HEARTH_TESTS_LIB_GGUF_GGUF_TEST_UTIL_H_
