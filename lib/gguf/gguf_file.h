// Reading GGUF files (versions 2 and 3). The file is memory-mapped and tensor data is never copied:
// a TensorInfo is a typed view into the mapping. Every malformed input is reported as an error naming the
// field and byte offset; nothing is allocated from an untrusted count before it is checked against the
// bytes that remain.
#ifndef HEARTH_LIB_GGUF_GGUF_FILE_H_
#define HEARTH_LIB_GGUF_GGUF_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kernels/formats/ggml_type.h"
#include "lib/gguf/gguf_value.h"
#include "lib/util/mapped_file.h"

namespace hearth::gguf {

inline constexpr uint32_t kGgufMagic = 0x46554747;  // "GGUF" read as a little-endian uint32.
inline constexpr uint64_t kDefaultAlignment = 32;
inline constexpr int kMaxDims = 4;

// Ordered key/value metadata with typed accessors. Missing keys are NotFound errors; wrong types are
// InvalidArgument errors naming the key and both types.
class Metadata {
 public:
  void Add(std::string key, Value value);  // Keeps insertion order; the caller ensures keys are unique.
  void Set(std::string key, Value value);  // Replaces in place if present, else appends.
  const Value* Find(std::string_view key) const;
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }
  size_t size() const { return entries_.size(); }
  const std::vector<std::pair<std::string, Value>>& entries() const { return entries_; }

  absl::StatusOr<uint64_t> GetUint(std::string_view key) const;
  absl::StatusOr<int64_t> GetInt(std::string_view key) const;
  absl::StatusOr<double> GetFloat(std::string_view key) const;
  absl::StatusOr<bool> GetBool(std::string_view key) const;
  absl::StatusOr<std::string_view> GetString(std::string_view key) const;
  absl::StatusOr<std::vector<std::string_view>> GetStringArray(std::string_view key) const;
  absl::StatusOr<std::vector<int64_t>> GetIntArray(std::string_view key) const;
  absl::StatusOr<std::vector<float>> GetFloatArray(std::string_view key) const;

 private:
  std::vector<std::pair<std::string, Value>> entries_;
  absl::flat_hash_map<std::string, size_t> index_;
};

struct TensorInfo {
  std::string name;
  GgmlType type;
  std::vector<int64_t> shape;  // ggml order: shape[0] is the contiguous (row) dimension.
  uint64_t offset = 0;         // Relative to the start of the data section.
  uint64_t n_elements = 0;
  uint64_t n_bytes = 0;
  const uint8_t* data = nullptr;  // Points into the mapping (or the caller's buffer).

  int64_t rows() const;  // Product of shape[1..]; 1 for a vector.
  int64_t row_elems() const { return shape.empty() ? 1 : shape[0]; }
  uint64_t row_bytes() const;
};

class GgufFile {
 public:
  // Maps and parses `path`.
  static absl::StatusOr<std::unique_ptr<GgufFile>> Open(const std::string& path);
  // Parses a buffer the caller keeps alive for the lifetime of the result (tests, fuzzing).
  static absl::StatusOr<std::unique_ptr<GgufFile>> Parse(absl::Span<const uint8_t> bytes);

  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }  // Start of the tensor data section.
  uint64_t file_size() const { return bytes_.size(); }
  const std::string& path() const { return path_; }
  std::string_view architecture() const { return architecture_; }
  const Metadata& metadata() const { return metadata_; }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* FindTensor(std::string_view name) const;
  // The whole mapping, so that backends can wrap it once (e.g. as one Metal buffer).
  absl::Span<const uint8_t> bytes() const { return bytes_; }
  // Releases the resident pages of a tensor range that was copied elsewhere (MappedFile::ReleasePages);
  // a no-op for parsed caller buffers.
  void ReleasePages(const uint8_t* p, size_t n) const {
    if (mapping_ != nullptr) mapping_->ReleasePages(p, n);
  }

 private:
  GgufFile() = default;
  friend class GgufParser;

  std::unique_ptr<MappedFile> mapping_;
  absl::Span<const uint8_t> bytes_;
  std::string path_;
  uint32_t version_ = 0;
  uint64_t alignment_ = kDefaultAlignment;
  uint64_t data_offset_ = 0;
  std::string architecture_;
  Metadata metadata_;
  std::vector<TensorInfo> tensors_;
  absl::flat_hash_map<std::string, size_t> tensor_index_;
};

// Whether `name` is a model architecture known to GGUF producers (general.architecture); a file naming any
// other architecture is rejected. Knowing an architecture does not mean hearth can run it.
bool IsKnownArchitecture(std::string_view name);

}  // namespace hearth::gguf

#endif  // HEARTH_LIB_GGUF_GGUF_FILE_H_
