// Tensor element types as numbered in the GGUF format, with their block geometry.
// Sizes are facts of the file format; the table also covers types hearth cannot compute with yet,
// so that any valid file can be read and inspected.
#ifndef HEARTH_KERNELS_FORMATS_GGML_TYPE_H_
#define HEARTH_KERNELS_FORMATS_GGML_TYPE_H_

#include <cstdint>
#include <string_view>

namespace hearth {

enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kIQ2_XXS = 16,
  kIQ2_XS = 17,
  kIQ3_XXS = 18,
  kIQ1_S = 19,
  kIQ4_NL = 20,
  kIQ3_S = 21,
  kIQ2_S = 22,
  kIQ4_XS = 23,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kIQ1_M = 29,
  kBF16 = 30,
  kTQ1_0 = 34,
  kTQ2_0 = 35,
  kMXFP4 = 39,
  kNVFP4 = 40,
  kQ1_0 = 41,
};

// One past the largest type id in the table.
inline constexpr uint32_t kGgmlTypeLimit = 42;

struct GgmlTypeInfo {
  GgmlType type;
  std::string_view name;   // As llama.cpp and gguf-py spell it ("Q4_K").
  uint32_t block_elems;    // Elements per block (1 for plain types).
  uint32_t block_bytes;    // Bytes per block.
  bool quantized;
};

// Returns the geometry of type id `id`, or nullptr for ids that are not a known type (including the
// retired ids 4, 5, 31-33 and 36-38).
const GgmlTypeInfo* FindGgmlTypeInfo(uint32_t id);

// The same for a known enum value; never null.
const GgmlTypeInfo& GetGgmlTypeInfo(GgmlType type);

inline std::string_view GgmlTypeName(GgmlType type) { return GetGgmlTypeInfo(type).name; }

}  // namespace hearth

#endif  // HEARTH_KERNELS_FORMATS_GGML_TYPE_H_
