#include "lib/gguf/gguf_file.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/gguf/absl_compat.h"
#include "lib/gguf/gguf_parser.h"
#include "lib/util/status_macros.h"

namespace hearth::gguf {

int64_t TensorInfo::rows() const {
  int64_t rows = 1;
  for (size_t i = 1; i < shape.size(); ++i) rows *= shape[i];  // The parser bounds the product.
  return rows;
}

uint64_t TensorInfo::row_bytes() const {
  const GgmlTypeInfo& info = GetGgmlTypeInfo(type);
  return static_cast<uint64_t>(row_elems()) / info.block_elems * info.block_bytes;
}

absl::StatusOr<std::unique_ptr<GgufFile>> GgufFile::Open(const std::string& path) {
  HEARTH_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> mapping, MappedFile::Open(path));
  std::unique_ptr<GgufFile> file(new GgufFile());
  file->bytes_ = mapping->bytes();
  file->mapping_ = std::move(mapping);
  file->path_ = path;
  absl::Status status = GgufParser::Parse(file.get());
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("'", path, "': ", status.message()));
  }
  return file;
}

absl::StatusOr<std::unique_ptr<GgufFile>> GgufFile::Parse(absl::Span<const uint8_t> bytes) {
  std::unique_ptr<GgufFile> file(new GgufFile());
  file->bytes_ = bytes;
  HEARTH_RETURN_IF_ERROR(GgufParser::Parse(file.get()));
  return file;
}

const TensorInfo* GgufFile::FindTensor(std::string_view name) const {
  auto it = tensor_index_.find(AV(name));
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace hearth::gguf
