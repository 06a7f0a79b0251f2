// GGUF layout (v2 and v3 are identical on disk; v3 only added big-endian variants, which are rejected):
//   u32 magic "GGUF" | u32 version | u64 tensor_count | u64 kv_count
//   kv_count x  { string key | u32 value_type | value }
//   tensor_count x { string name | u32 n_dims | u64 dims[n_dims] | u32 ggml_type | u64 offset }
//   padding to general.alignment | tensor data (offsets relative to here, each aligned)
// A string is u64 length + bytes; an array is u32 element type + u64 count + elements.
#include "lib/gguf/gguf_parser.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "kernels/formats/ggml_type.h"
#include "lib/gguf/absl_compat.h"
#include "lib/gguf/byte_reader.h"
#include "lib/util/status_macros.h"

namespace hearth::gguf {
namespace {

constexpr uint64_t kMinKvBytes = 8 + 4 + 1;                  // Empty key, type, one-byte value.
constexpr uint64_t kMinTensorInfoBytes = 8 + 4 + 8 + 4 + 8;  // Empty name, n_dims, one dim, type, offset.

absl::Status Invalid(std::string msg) { return absl::InvalidArgumentError(std::move(msg)); }

// Prefixes `status` with `context`, keeping the code.
absl::Status Wrap(std::string_view context, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(AV(context), ": ", status.message()));
}

uint32_t ByteSwap32(uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

// The buffer size of `count` strings (text plus a NUL each) starting at r's offset, so the array's buffer is
// allocated once at its final size. Stops at the first unreadable string; the real pass reports it.
uint64_t StringArrayBytes(ByteReader r, uint64_t count) {
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < count; ++i) {
    auto s = r.ReadString();
    if (!s.ok()) break;
    bytes += s->size() + 1;
  }
  return bytes;
}

// Reads one value of `type`; `depth` is the array nesting level of this value (0 for a top-level value).
absl::StatusOr<Value> ReadValue(ByteReader& r, ValueType type, int depth) {
  switch (type) {
    case ValueType::kUint8: {
      HEARTH_ASSIGN_OR_RETURN(uint8_t v, r.Read<uint8_t>());
      return Value::Uint(type, v);
    }
    case ValueType::kInt8: {
      HEARTH_ASSIGN_OR_RETURN(int8_t v, r.Read<int8_t>());
      return Value::Int(type, v);
    }
    case ValueType::kUint16: {
      HEARTH_ASSIGN_OR_RETURN(uint16_t v, r.Read<uint16_t>());
      return Value::Uint(type, v);
    }
    case ValueType::kInt16: {
      HEARTH_ASSIGN_OR_RETURN(int16_t v, r.Read<int16_t>());
      return Value::Int(type, v);
    }
    case ValueType::kUint32: {
      HEARTH_ASSIGN_OR_RETURN(uint32_t v, r.Read<uint32_t>());
      return Value::Uint(type, v);
    }
    case ValueType::kInt32: {
      HEARTH_ASSIGN_OR_RETURN(int32_t v, r.Read<int32_t>());
      return Value::Int(type, v);
    }
    case ValueType::kUint64: {
      HEARTH_ASSIGN_OR_RETURN(uint64_t v, r.Read<uint64_t>());
      return Value::Uint(type, v);
    }
    case ValueType::kInt64: {
      HEARTH_ASSIGN_OR_RETURN(int64_t v, r.Read<int64_t>());
      return Value::Int(type, v);
    }
    case ValueType::kFloat32: {
      HEARTH_ASSIGN_OR_RETURN(float v, r.Read<float>());
      return Value::Float(type, v);
    }
    case ValueType::kFloat64: {
      HEARTH_ASSIGN_OR_RETURN(double v, r.Read<double>());
      return Value::Float(type, v);
    }
    case ValueType::kBool: {
      const uint64_t at = r.offset();
      HEARTH_ASSIGN_OR_RETURN(uint8_t v, r.Read<uint8_t>());
      if (v > 1) return Invalid(absl::StrCat("bool at offset ", at, " has byte value ", v, ", not 0 or 1"));
      return Value::Bool(v != 0);
    }
    case ValueType::kString: {
      HEARTH_ASSIGN_OR_RETURN(std::string_view s, r.ReadString());
      return Value::String(std::string(s));
    }
    case ValueType::kArray: {
      const uint64_t at = r.offset();
      HEARTH_ASSIGN_OR_RETURN(uint32_t raw_type, r.Read<uint32_t>());
      if (!IsValidValueType(raw_type)) {
        return Invalid(absl::StrCat("array at offset ", at, ": unknown element type ", raw_type));
      }
      const auto element_type = static_cast<ValueType>(raw_type);
      if (element_type == ValueType::kArray && depth + 1 >= kMaxArrayDepth) {
        return Invalid(absl::StrCat("array at offset ", at, ": arrays nested more than ", kMaxArrayDepth,
                                    " levels deep"));
      }
      HEARTH_ASSIGN_OR_RETURN(uint64_t count, r.Read<uint64_t>());
      HEARTH_RETURN_IF_ERROR(r.CheckCount(count, MinEncodedSize(element_type),
                                          absl::StrCat("array at offset ", at, ": element count")));
      Value array = Value::EmptyArray(element_type);
      array.Reserve(count, element_type == ValueType::kString ? StringArrayBytes(r, count) : 0);
      for (uint64_t i = 0; i < count; ++i) {
        // Strings go straight into the array's buffer; other elements are small Values (or nested arrays).
        absl::Status status;
        if (element_type == ValueType::kString) {
          auto s = r.ReadString();
          if (s.ok()) array.AppendString(*s);
          status = s.status();
        } else {
          auto element = ReadValue(r, element_type, depth + 1);
          if (element.ok()) array.Append(*std::move(element));
          status = element.status();
        }
        if (!status.ok()) return Wrap(absl::StrCat("array at offset ", at, " element ", i), status);
      }
      return array;
    }
  }
  return Invalid(absl::StrCat("unknown value type ", static_cast<uint32_t>(type)));
}

bool IsPowerOfTwo(uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

}  // namespace

class GgufParser::Impl {
 public:
  explicit Impl(GgufFile* file)
      : r_(file->bytes_),
        bytes_(file->bytes_),
        version_(&file->version_),
        alignment_(&file->alignment_),
        data_offset_(&file->data_offset_),
        architecture_(&file->architecture_),
        metadata_(&file->metadata_),
        tensors_(&file->tensors_),
        tensor_index_(&file->tensor_index_) {}

  absl::Status Run() {
    HEARTH_RETURN_IF_ERROR(ReadHeader());
    for (uint64_t i = 0; i < kv_count_; ++i) HEARTH_RETURN_IF_ERROR(ReadKv(i));
    HEARTH_RETURN_IF_ERROR(CheckGeneralKeys());
    // Tensor count was checked against the bytes remaining after the header; re-check now that the
    // metadata consumed part of them.
    HEARTH_RETURN_IF_ERROR(r_.CheckCount(tensor_count_, kMinTensorInfoBytes, "tensor count"));
    tensors_->reserve(tensor_count_);
    for (uint64_t i = 0; i < tensor_count_; ++i) HEARTH_RETURN_IF_ERROR(ReadTensorInfo(i));
    *data_offset_ = (r_.offset() + *alignment_ - 1) / *alignment_ * *alignment_;
    for (size_t i = 0; i < tensors_->size(); ++i) HEARTH_RETURN_IF_ERROR(PlaceTensor(i));
    return CheckOverlaps();
  }

 private:
  absl::Status ReadHeader() {
    auto magic = r_.Read<uint32_t>();
    if (!magic.ok()) return Wrap("GGUF magic", magic.status());
    if (*magic != kGgufMagic) {
      return Invalid(absl::StrCat("not a GGUF file: magic at offset 0 is 0x",
                                  absl::Hex(*magic, absl::kZeroPad8), ", expected \"GGUF\""));
    }
    auto version = r_.Read<uint32_t>();
    if (!version.ok()) return Wrap("GGUF version", version.status());
    const uint32_t swapped = ByteSwap32(*version);
    if (*version == 1) {
      return Invalid("GGUF version 1 (offset 4) is not supported; only versions 2 and 3 are read");
    }
    if (*version != 2 && *version != 3) {
      if (swapped >= 1 && swapped <= 3) {
        return Invalid(absl::StrCat("GGUF version at offset 4 reads as ", *version,
                                    ": this is a big-endian file (version ", swapped,
                                    "), which is not supported"));
      }
      return Invalid(absl::StrCat("unsupported GGUF version ", *version, " at offset 4 (expected 2 or 3)"));
    }
    *version_ = *version;
    auto tensor_count = r_.Read<uint64_t>();
    if (!tensor_count.ok()) return Wrap("tensor count", tensor_count.status());
    auto kv_count = r_.Read<uint64_t>();
    if (!kv_count.ok()) return Wrap("metadata kv count", kv_count.status());
    tensor_count_ = *tensor_count;
    kv_count_ = *kv_count;
    HEARTH_RETURN_IF_ERROR(r_.CheckCount(tensor_count_, kMinTensorInfoBytes, "tensor count"));
    HEARTH_RETURN_IF_ERROR(r_.CheckCount(kv_count_, kMinKvBytes, "metadata kv count"));
    return absl::OkStatus();
  }

  absl::Status ReadKv(uint64_t i) {
    const uint64_t at = r_.offset();
    auto key = r_.ReadString();
    if (!key.ok()) return Wrap(absl::StrCat("metadata key ", i, " at offset ", at), key.status());
    const std::string context =
        absl::StrCat("metadata key ", i, " '", absl::CHexEscape(AV(*key)), "' at offset ", at);
    if (metadata_->Contains(*key)) return Invalid(absl::StrCat(context, ": duplicate key"));
    const uint64_t type_at = r_.offset();
    auto raw_type = r_.Read<uint32_t>();
    if (!raw_type.ok()) return Wrap(context, raw_type.status());
    if (!IsValidValueType(*raw_type)) {
      return Invalid(absl::StrCat(context, ": unknown value type ", *raw_type, " at offset ", type_at));
    }
    auto value = ReadValue(r_, static_cast<ValueType>(*raw_type), 0);
    if (!value.ok()) return Wrap(context, value.status());
    metadata_->Add(std::string(*key), *std::move(value));
    return absl::OkStatus();
  }

  absl::Status CheckGeneralKeys() {
    if (const Value* a = metadata_->Find("general.alignment"); a != nullptr) {
      if (a->type() != ValueType::kUint32) {
        return Invalid(
            absl::StrCat("general.alignment has type ", AV(ValueTypeName(a->type())), ", expected uint32"));
      }
      if (!IsPowerOfTwo(a->raw_uint())) {
        return Invalid(absl::StrCat("general.alignment ", a->raw_uint(), " is not a nonzero power of two"));
      }
      *alignment_ = a->raw_uint();
    }
    const Value* arch = metadata_->Find("general.architecture");
    if (arch == nullptr) return Invalid("metadata key 'general.architecture' is missing");
    if (arch->type() != ValueType::kString) {
      return Invalid(absl::StrCat("general.architecture has type ", AV(ValueTypeName(arch->type())),
                                  ", expected string"));
    }
    if (!IsKnownArchitecture(arch->raw_string())) {
      return Invalid(absl::StrCat("unknown architecture '", absl::CHexEscape(arch->raw_string()), "'"));
    }
    *architecture_ = arch->raw_string();
    return absl::OkStatus();
  }

  absl::Status ReadTensorInfo(uint64_t i) {
    const uint64_t at = r_.offset();
    auto name = r_.ReadString();
    if (!name.ok()) return Wrap(absl::StrCat("tensor ", i, " name at offset ", at), name.status());
    const std::string context =
        absl::StrCat("tensor ", i, " '", absl::CHexEscape(AV(*name)), "' (info at offset ", at, ")");
    if (tensor_index_->contains(AV(*name))) return Invalid(absl::StrCat(context, ": duplicate tensor name"));
    const uint64_t dims_at = r_.offset();
    auto n_dims = r_.Read<uint32_t>();
    if (!n_dims.ok()) return Wrap(context, n_dims.status());
    if (*n_dims < 1 || *n_dims > static_cast<uint32_t>(kMaxDims)) {
      return Invalid(absl::StrCat(context, ": n_dims ", *n_dims, " at offset ", dims_at, " is not in [1, ",
                                  kMaxDims, "]"));
    }
    TensorInfo info;
    info.name = std::string(*name);
    uint64_t n_elements = 1;
    for (uint32_t d = 0; d < *n_dims; ++d) {
      const uint64_t dim_at = r_.offset();
      auto dim = r_.Read<uint64_t>();
      if (!dim.ok()) return Wrap(context, dim.status());
      // ggml permits empty (zero-sized) tensors, but no model needs one; rejecting them keeps every
      // tensor's data pointer meaningful.
      if (*dim == 0 || *dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Invalid(absl::StrCat(context, ": dimension ", d, " at offset ", dim_at, " is ",
                                    static_cast<int64_t>(*dim), ", must be positive"));
      }
      if (__builtin_mul_overflow(n_elements, *dim, &n_elements) ||
          n_elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Invalid(absl::StrCat(context, ": element count overflows int64 at dimension ", d, " (offset ",
                                    dim_at, ")"));
      }
      info.shape.push_back(static_cast<int64_t>(*dim));
    }
    info.n_elements = n_elements;
    const uint64_t type_at = r_.offset();
    auto raw_type = r_.Read<uint32_t>();
    if (!raw_type.ok()) return Wrap(context, raw_type.status());
    const GgmlTypeInfo* type_info = FindGgmlTypeInfo(*raw_type);
    if (type_info == nullptr) {
      return Invalid(absl::StrCat(context, ": unknown tensor type ", *raw_type, " at offset ", type_at));
    }
    info.type = type_info->type;
    const uint64_t offset_at = r_.offset();
    auto offset = r_.Read<uint64_t>();
    if (!offset.ok()) return Wrap(context, offset.status());
    if (*offset % *alignment_ != 0) {
      return Invalid(absl::StrCat(context, ": data offset ", *offset, " at offset ", offset_at,
                                  " is not a multiple of the alignment ", *alignment_));
    }
    info.offset = *offset;
    // Row geometry: the contiguous dimension is stored as whole blocks.
    if (info.shape[0] % type_info->block_elems != 0) {
      return Invalid(absl::StrCat(context, ": first dimension ", info.shape[0], " is not a multiple of the ",
                                  AV(type_info->name), " block size ", type_info->block_elems));
    }
    const uint64_t blocks_per_row = static_cast<uint64_t>(info.shape[0]) / type_info->block_elems;
    const uint64_t rows = n_elements / static_cast<uint64_t>(info.shape[0]);
    uint64_t row_bytes = 0;
    if (__builtin_mul_overflow(blocks_per_row, uint64_t{type_info->block_bytes}, &row_bytes) ||
        __builtin_mul_overflow(row_bytes, rows, &info.n_bytes)) {
      return Invalid(absl::StrCat(context, ": byte size overflows uint64"));
    }
    tensor_index_->emplace(info.name, tensors_->size());
    tensors_->push_back(std::move(info));
    return absl::OkStatus();
  }

  absl::Status PlaceTensor(size_t i) {
    TensorInfo& t = (*tensors_)[i];
    const uint64_t size = bytes_.size();
    const uint64_t available = *data_offset_ <= size ? size - *data_offset_ : 0;
    if (*data_offset_ > size || t.offset > available || t.n_bytes > available - t.offset) {
      return Invalid(absl::StrCat("tensor ", i, " '", absl::CHexEscape(t.name), "': data [offset ",
                                  *data_offset_, "+", t.offset, ", ", t.n_bytes,
                                  " bytes) extends past end of file (size ", size, ")"));
    }
    t.data = bytes_.data() + *data_offset_ + t.offset;
    return absl::OkStatus();
  }

  absl::Status CheckOverlaps() const {
    std::vector<size_t> order(tensors_->size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return (*tensors_)[a].offset < (*tensors_)[b].offset; });
    for (size_t k = 1; k < order.size(); ++k) {
      const TensorInfo& prev = (*tensors_)[order[k - 1]];
      const TensorInfo& cur = (*tensors_)[order[k]];
      if (prev.offset + prev.n_bytes > cur.offset) {  // Both are within the file, so no overflow.
        return Invalid(absl::StrCat("tensor ", order[k], " '", absl::CHexEscape(cur.name),
                                    "': data at offset ", cur.offset, " overlaps tensor ", order[k - 1], " '",
                                    absl::CHexEscape(prev.name), "' [", prev.offset, ", ",
                                    prev.offset + prev.n_bytes, ")"));
      }
    }
    return absl::OkStatus();
  }

  ByteReader r_;
  absl::Span<const uint8_t> bytes_;
  uint32_t* version_;
  uint64_t* alignment_;
  uint64_t* data_offset_;
  std::string* architecture_;
  Metadata* metadata_;
  std::vector<TensorInfo>* tensors_;
  absl::flat_hash_map<std::string, size_t>* tensor_index_;
  uint64_t tensor_count_ = 0;
  uint64_t kv_count_ = 0;
};

uint64_t MinEncodedSize(ValueType type) {
  switch (type) {
    case ValueType::kUint8:
    case ValueType::kInt8:
    case ValueType::kBool:
      return 1;
    case ValueType::kUint16:
    case ValueType::kInt16:
      return 2;
    case ValueType::kUint32:
    case ValueType::kInt32:
    case ValueType::kFloat32:
      return 4;
    case ValueType::kUint64:
    case ValueType::kInt64:
    case ValueType::kFloat64:
    case ValueType::kString:  // The length field.
      return 8;
    case ValueType::kArray:  // Element type and count.
      return 12;
  }
  return 1;
}

absl::Status GgufParser::Parse(GgufFile* file) { return Impl(file).Run(); }

}  // namespace hearth::gguf
