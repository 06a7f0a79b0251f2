// Internal: parses the header, metadata and tensor table of a GGUF file into a GgufFile.
#ifndef HEARTH_LIB_GGUF_GGUF_PARSER_H_
#define HEARTH_LIB_GGUF_GGUF_PARSER_H_

#include <cstdint>

#include "absl/status/status.h"
#include "lib/gguf/gguf_file.h"

namespace hearth::gguf {

// Nested arrays deeper than this are rejected (bounds the recursion on untrusted input).
inline constexpr int kMaxArrayDepth = 8;

class GgufParser {
 public:
  // Parses file->bytes_ and fills the rest of *file.
  static absl::Status Parse(GgufFile* file);

 private:
  class Impl;
};

// Smallest number of bytes a value of `type` occupies when encoded (an array: element type and count).
uint64_t MinEncodedSize(ValueType type);

}  // namespace hearth::gguf

#endif  // HEARTH_LIB_GGUF_GGUF_PARSER_H_
