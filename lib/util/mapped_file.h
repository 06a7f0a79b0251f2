// A read-only memory mapping of a whole file. Model weights are served from these pages and never copied;
// on unified-memory GPUs the same pages are wrapped as device buffers (see docs/architecture.md).
#ifndef HEARTH_LIB_UTIL_MAPPED_FILE_H_
#define HEARTH_LIB_UTIL_MAPPED_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace hearth {

class MappedFile {
 public:
  // Maps `path` read-only. An empty file maps to an empty span.
  static absl::StatusOr<std::unique_ptr<MappedFile>> Open(const std::string& path);

  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  absl::Span<const uint8_t> bytes() const { return {data_, size_}; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

  // Drops this process's mapping of the whole pages inside [p, p + n) (madvise MADV_DONTNEED): they stop
  // counting towards resident memory, stay in the page cache, and fault back in if read again. Used after
  // weights were copied into another layout. Ranges outside the mapping are ignored.
  void ReleasePages(const uint8_t* p, size_t n) const;

 private:
  MappedFile(std::string path, const uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}

  std::string path_;
  const uint8_t* data_;
  size_t size_;
};

}  // namespace hearth

#endif  // HEARTH_LIB_UTIL_MAPPED_FILE_H_
