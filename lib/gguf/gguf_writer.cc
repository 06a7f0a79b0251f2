#include "lib/gguf/gguf_writer.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/gguf/absl_compat.h"
#include "lib/util/status_macros.h"

namespace hearth::gguf {
namespace {

// Appends little-endian encodings to a header buffer (the header is small; tensor data is streamed).
class Encoder {
 public:
  template <typename T>
  void Put(T v) {
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out_.append(buf, sizeof(T));
  }
  void PutString(std::string_view s) {
    Put<uint64_t>(s.size());
    out_.append(s.data(), s.size());
  }
  std::string& out() { return out_; }

 private:
  std::string out_;
};

absl::Status CheckUnsigned(const Value& v, uint64_t max) {
  if (v.raw_uint() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(ValueTypeName(v.type())), " value ", v.raw_uint(), " out of range"));
  }
  return absl::OkStatus();
}

absl::Status CheckSigned(const Value& v, int64_t min, int64_t max) {
  if (v.raw_int() < min || v.raw_int() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(AV(ValueTypeName(v.type())), " value ", v.raw_int(), " out of range"));
  }
  return absl::OkStatus();
}

absl::Status EncodeValue(const Value& v, Encoder& e) {
  switch (v.type()) {
    case ValueType::kUint8:
      HEARTH_RETURN_IF_ERROR(CheckUnsigned(v, std::numeric_limits<uint8_t>::max()));
      e.Put<uint8_t>(static_cast<uint8_t>(v.raw_uint()));
      return absl::OkStatus();
    case ValueType::kUint16:
      HEARTH_RETURN_IF_ERROR(CheckUnsigned(v, std::numeric_limits<uint16_t>::max()));
      e.Put<uint16_t>(static_cast<uint16_t>(v.raw_uint()));
      return absl::OkStatus();
    case ValueType::kUint32:
      HEARTH_RETURN_IF_ERROR(CheckUnsigned(v, std::numeric_limits<uint32_t>::max()));
      e.Put<uint32_t>(static_cast<uint32_t>(v.raw_uint()));
      return absl::OkStatus();
    case ValueType::kUint64:
      e.Put<uint64_t>(v.raw_uint());
      return absl::OkStatus();
    case ValueType::kInt8:
      HEARTH_RETURN_IF_ERROR(
          CheckSigned(v, std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max()));
      e.Put<int8_t>(static_cast<int8_t>(v.raw_int()));
      return absl::OkStatus();
    case ValueType::kInt16:
      HEARTH_RETURN_IF_ERROR(
          CheckSigned(v, std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()));
      e.Put<int16_t>(static_cast<int16_t>(v.raw_int()));
      return absl::OkStatus();
    case ValueType::kInt32:
      HEARTH_RETURN_IF_ERROR(
          CheckSigned(v, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()));
      e.Put<int32_t>(static_cast<int32_t>(v.raw_int()));
      return absl::OkStatus();
    case ValueType::kInt64:
      e.Put<int64_t>(v.raw_int());
      return absl::OkStatus();
    case ValueType::kFloat32:
      // float -> double -> float is exact, so values read from a file are written back unchanged.
      e.Put<float>(static_cast<float>(v.raw_float()));
      return absl::OkStatus();
    case ValueType::kFloat64:
      e.Put<double>(v.raw_float());
      return absl::OkStatus();
    case ValueType::kBool:
      e.Put<uint8_t>(v.raw_uint() != 0 ? 1 : 0);
      return absl::OkStatus();
    case ValueType::kString:
      e.PutString(v.raw_string());
      return absl::OkStatus();
    case ValueType::kArray: {
      e.Put<uint32_t>(static_cast<uint32_t>(v.element_type()));
      e.Put<uint64_t>(v.size());
      for (size_t i = 0; i < v.size(); ++i) {
        absl::Status s;
        if (v.elements_boxed()) {
          const Value& element = v.array_element(i);
          if (element.type() != v.element_type()) {
            return absl::InvalidArgumentError(absl::StrCat("array element ", i, " has type ",
                                                           AV(ValueTypeName(element.type())), ", expected ",
                                                           AV(ValueTypeName(v.element_type()))));
          }
          s = EncodeValue(element, e);
        } else if (v.element_type() == ValueType::kString) {
          e.PutString(v.string_element(i));
        } else {
          s = EncodeValue(v.element(i), e);  // A scalar: range-checked like a top-level value.
        }
        if (!s.ok()) return absl::Status(s.code(), absl::StrCat("array element ", i, ": ", s.message()));
      }
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError("invalid value type");
}

uint64_t AlignUp(uint64_t v, uint64_t alignment) { return (v + alignment - 1) / alignment * alignment; }

absl::StatusOr<uint64_t> TensorBytes(GgmlType type, const std::vector<int64_t>& shape) {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  if (shape.empty() || shape.size() > static_cast<size_t>(kMaxDims)) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor has ", shape.size(), " dimensions, expected 1 to ", kMaxDims));
  }
  uint64_t elements = 1;
  for (int64_t d : shape) {
    if (d <= 0) return absl::InvalidArgumentError(absl::StrCat("tensor dimension ", d, " is not positive"));
    if (__builtin_mul_overflow(elements, static_cast<uint64_t>(d), &elements) ||
        elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return absl::InvalidArgumentError("tensor element count overflows int64");
    }
  }
  if (shape[0] % info.block_elems != 0) {
    return absl::InvalidArgumentError(absl::StrCat("first dimension ", shape[0], " is not a multiple of the ",
                                                   AV(info.name), " block size ", info.block_elems));
  }
  uint64_t row_bytes = 0;
  uint64_t bytes = 0;
  if (__builtin_mul_overflow(static_cast<uint64_t>(shape[0]) / info.block_elems, uint64_t{info.block_bytes},
                             &row_bytes) ||
      __builtin_mul_overflow(row_bytes, elements / static_cast<uint64_t>(shape[0]), &bytes)) {
    return absl::InvalidArgumentError("tensor byte size overflows uint64");
  }
  return bytes;
}

}  // namespace

void GgufWriter::SetValue(const std::string& key, Value value) { metadata_.Set(key, std::move(value)); }

absl::Status GgufWriter::AddTensor(const std::string& name, GgmlType type, std::vector<int64_t> shape,
                                   absl::Span<const uint8_t> data) {
  for (const PendingTensor& t : tensors_) {
    if (t.name == name) return absl::AlreadyExistsError(absl::StrCat("tensor '", name, "' added twice"));
  }
  if (FindGgmlTypeInfo(static_cast<uint32_t>(type)) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("tensor '", name, "': unknown type ", static_cast<uint32_t>(type)));
  }
  auto bytes = TensorBytes(type, shape);
  if (!bytes.ok()) {
    return absl::Status(bytes.status().code(),
                        absl::StrCat("tensor '", name, "': ", bytes.status().message()));
  }
  if (data.size() != *bytes) {
    return absl::InvalidArgumentError(absl::StrCat("tensor '", name, "': data has ", data.size(),
                                                   " bytes, its type and shape need ", *bytes));
  }
  tensors_.push_back({name, type, std::move(shape), data});
  return absl::OkStatus();
}

absl::StatusOr<GgufWriter> GgufWriter::FromFile(const GgufFile& file) {
  GgufWriter writer(file.version());
  for (const auto& [key, value] : file.metadata().entries()) writer.metadata_.Add(key, value);
  for (const TensorInfo& t : file.tensors()) {
    HEARTH_RETURN_IF_ERROR(writer.AddTensor(t.name, t.type, t.shape, absl::MakeConstSpan(t.data, t.n_bytes)));
  }
  return writer;
}

absl::Status GgufWriter::Emit(const std::function<bool(const void*, size_t)>& sink) const {
  if (version_ != 2 && version_ != 3) {
    return absl::InvalidArgumentError(absl::StrCat("cannot write GGUF version ", version_, " (only 2 or 3)"));
  }
  uint64_t alignment = kDefaultAlignment;
  if (const Value* a = metadata_.Find("general.alignment"); a != nullptr) {
    if (a->type() != ValueType::kUint32 || a->raw_uint() == 0 || (a->raw_uint() & (a->raw_uint() - 1)) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("general.alignment must be a uint32 power of two, got ",
                                                     AV(ValueTypeName(a->type())), " ", a->DebugString()));
    }
    alignment = a->raw_uint();
  }
  Encoder e;
  e.Put<uint32_t>(kGgufMagic);
  e.Put<uint32_t>(version_);
  e.Put<uint64_t>(tensors_.size());
  e.Put<uint64_t>(metadata_.size());
  for (const auto& [key, value] : metadata_.entries()) {
    e.PutString(key);
    e.Put<uint32_t>(static_cast<uint32_t>(value.type()));
    absl::Status s = EncodeValue(value, e);
    if (!s.ok()) return absl::Status(s.code(), absl::StrCat("metadata key '", key, "': ", s.message()));
  }
  uint64_t offset = 0;
  for (const PendingTensor& t : tensors_) {
    e.PutString(t.name);
    e.Put<uint32_t>(static_cast<uint32_t>(t.shape.size()));
    for (int64_t d : t.shape) e.Put<uint64_t>(static_cast<uint64_t>(d));
    e.Put<uint32_t>(static_cast<uint32_t>(t.type));
    e.Put<uint64_t>(offset);
    offset = AlignUp(offset + t.data.size(), alignment);
  }
  std::string& header = e.out();
  if (!tensors_.empty()) header.resize(AlignUp(header.size(), alignment), '\0');
  if (!sink(header.data(), header.size())) return absl::DataLossError("write failed");
  const std::string padding(alignment, '\0');
  for (const PendingTensor& t : tensors_) {
    const uint64_t pad = AlignUp(t.data.size(), alignment) - t.data.size();
    if (!sink(t.data.data(), t.data.size()) || !sink(padding.data(), pad)) {
      return absl::DataLossError(absl::StrCat("write failed in tensor '", t.name, "'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GgufWriter::Serialize() const {
  std::string out;
  HEARTH_RETURN_IF_ERROR(Emit([&out](const void* p, size_t n) {
    out.append(static_cast<const char*>(p), n);
    return true;
  }));
  return out;
}

absl::Status GgufWriter::WriteFile(const std::string& path) const {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat("cannot create '", path, "': ", std::strerror(errno)));
  }
  absl::Status status = Emit([f](const void* p, size_t n) { return n == 0 || std::fwrite(p, 1, n, f) == n; });
  if (std::fclose(f) != 0 && status.ok()) {
    status = absl::DataLossError(absl::StrCat("cannot finish writing '", path, "'"));
  }
  if (!status.ok()) {
    std::remove(path.c_str());
    return absl::Status(status.code(), absl::StrCat("'", path, "': ", status.message()));
  }
  return absl::OkStatus();
}

}  // namespace hearth::gguf
