// Writing GGUF v3 (or v2) files: used by the quantize tool and by tests that build (malformed) files.
// Layout follows gguf-py and llama.cpp: when there are tensors, the header is zero-padded to the alignment
// and every tensor's data is followed by zero padding to the alignment; a file without tensors ends right
// after its header. A file produced by either tool therefore round-trips byte for byte.
#ifndef HEARTH_LIB_GGUF_GGUF_WRITER_H_
#define HEARTH_LIB_GGUF_GGUF_WRITER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "kernels/formats/ggml_type.h"
#include "lib/gguf/gguf_file.h"
#include "lib/gguf/gguf_value.h"

namespace hearth::gguf {

class GgufWriter {
 public:
  explicit GgufWriter(uint32_t version = 3) : version_(version) {}

  // Adds or replaces a key (a replaced key keeps its position). "general.alignment" (uint32, a power of
  // two) sets the alignment used for the data section.
  void SetValue(const std::string& key, Value value);
  // Adds a tensor; `data` must hold exactly the bytes its type and shape need. The data is referenced, not
  // copied, until Write*/Serialize returns.
  absl::Status AddTensor(const std::string& name, GgmlType type, std::vector<int64_t> shape,
                         absl::Span<const uint8_t> data);

  // Copies version, metadata and tensors from a parsed file (the round trip). The tensor data is
  // referenced, so `file` must outlive the writer's use.
  static absl::StatusOr<GgufWriter> FromFile(const GgufFile& file);

  absl::StatusOr<std::string> Serialize() const;
  absl::Status WriteFile(const std::string& path) const;

 private:
  struct PendingTensor {
    std::string name;
    GgmlType type;
    std::vector<int64_t> shape;
    absl::Span<const uint8_t> data;
  };
  // Emits the file in order through `sink`, which returns false on a write error.
  absl::Status Emit(const std::function<bool(const void*, size_t)>& sink) const;

  uint32_t version_;
  Metadata metadata_;
  std::vector<PendingTensor> tensors_;
};

}  // namespace hearth::gguf

#endif  // HEARTH_LIB_GGUF_GGUF_WRITER_H_
