// The 6-bit (scale, min) pairs of Q4_K/Q5_K super-blocks, shared by the scalar reference and every SIMD
// folder. The functions have internal linkage (unnamed namespace): this header is included by files built
// with different ISA flags, and a plain inline function could let the linker keep one ISA's copy for all.
#ifndef HEARTH_KERNELS_FORMATS_K_SCALES_H_
#define HEARTH_KERNELS_FORMATS_K_SCALES_H_

#include <cstdint>

namespace hearth::kernels {
namespace {  // NOLINT(build/namespaces): internal linkage per ISA translation unit, see above.

// Q4_K/Q5_K: 8 pairs of 6-bit (scale, min) in 12 bytes. Pairs 0..3 use the low 6 bits of bytes 0..3
// (scale) and 4..7 (min); pairs 4..7 keep their low 4 bits in bytes 8..11 (scale low, min high nibble)
// and their top 2 bits in the top 2 bits of bytes 0..3 (scale) and 4..7 (min).
inline void GetScaleMinK4(const uint8_t* s, int j, int* scale, int* min) {
  if (j < 4) {
    *scale = s[j] & 63;
    *min = s[j + 4] & 63;
  } else {
    *scale = (s[j + 4] & 0x0f) | ((s[j - 4] >> 6) << 4);
    *min = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
  }
}

// Inverse of GetScaleMinK4 for one pair (scale, min < 64); the other pairs' bits are kept.
inline void SetScaleMinK4(uint8_t* s, int j, int scale, int min) {
  if (j < 4) {
    s[j] = static_cast<uint8_t>((s[j] & 0xc0) | scale);
    s[j + 4] = static_cast<uint8_t>((s[j + 4] & 0xc0) | min);
  } else {
    s[j + 4] = static_cast<uint8_t>((scale & 0x0f) | ((min & 0x0f) << 4));
    s[j - 4] = static_cast<uint8_t>((s[j - 4] & 0x3f) | ((scale >> 4) << 6));
    s[j] = static_cast<uint8_t>((s[j] & 0x3f) | ((min >> 4) << 6));
  }
}

}  // namespace
}  // namespace hearth::kernels

#endif  // HEARTH_KERNELS_FORMATS_K_SCALES_H_
