// Private to the scalar K-quant kernels (k_quants*.cc): per-format entry points and the bit-packing
// helpers shared by dequantization, quantization and dot products.
//
// Element order inside a 256-element super-block (i = 0..255), as the GGUF format defines it:
//   Q2_K/Q3_K 2-bit quants: byte qs[(i / 128) * 32 + i % 32], bits 2 * ((i % 128) / 32).
//   Q3_K/Q5_K high bit:     byte hmask/qh[i % 32], bit i / 32.
//   Q4_K/Q5_K nibbles:      byte qs[(i / 64) * 32 + i % 32], low nibble when (i % 64) < 32.
//   Q6_K low nibbles:       byte ql[(i / 128) * 64 + i % 64], low nibble when (i % 128) < 64;
//        high 2 bits:       byte qh[(i / 128) * 32 + i % 32], bits 2 * ((i % 128) / 32).
#ifndef HEARTH_KERNELS_SCALAR_K_QUANTS_INTERNAL_H_
#define HEARTH_KERNELS_SCALAR_K_QUANTS_INTERNAL_H_

#include <cmath>
#include <cstdint>

#include "kernels/formats/block_layouts.h"
#include "kernels/formats/fp16.h"
#include "kernels/formats/k_scales.h"

namespace hearth::kernels::scalar::kquants {

void DequantizeQ2K(const void* src, float* dst, int64_t n);
void DequantizeQ3K(const void* src, float* dst, int64_t n);
void DequantizeQ4K(const void* src, float* dst, int64_t n);
void DequantizeQ5K(const void* src, float* dst, int64_t n);
void DequantizeQ6K(const void* src, float* dst, int64_t n);
void DequantizeQ8K(const void* src, float* dst, int64_t n);

void QuantizeQ2K(const float* src, void* dst, int64_t n);
void QuantizeQ3K(const float* src, void* dst, int64_t n);
void QuantizeQ4K(const float* src, void* dst, int64_t n);
void QuantizeQ5K(const float* src, void* dst, int64_t n);
void QuantizeQ6K(const float* src, void* dst, int64_t n);
void QuantizeQ8K(const float* src, void* dst, int64_t n);

float VecDotQ2K(int64_t n, const void* x, const void* y);
float VecDotQ3K(int64_t n, const void* x, const void* y);
float VecDotQ4K(int64_t n, const void* x, const void* y);
float VecDotQ5K(int64_t n, const void* x, const void* y);
float VecDotQ6K(int64_t n, const void* x, const void* y);

// Q4_K/Q5_K 6-bit (scale, min) pairs: kernels/formats/k_scales.h.
using ::hearth::kernels::GetScaleMinK4;
using ::hearth::kernels::SetScaleMinK4;

// Q3_K: 16 signed 6-bit scales stored as scale + 32. Low nibbles: bytes 0..7 (scales 0..7 in the low
// nibble, 8..15 in the high nibble); top 2 bits: byte 8 + j % 4, bits 2 * (j / 4).
inline int GetScaleQ3K(const uint8_t* s, int j) {
  const int low = j < 8 ? (s[j] & 0x0f) : (s[j - 8] >> 4);
  const int high = (s[8 + j % 4] >> (2 * (j / 4))) & 3;
  return (low | (high << 4)) - 32;
}

inline void SetScalesQ3K(uint8_t* s, const int* scales) {
  for (int k = 0; k < 12; ++k) s[k] = 0;
  for (int j = 0; j < 16; ++j) {
    const int u = scales[j] + 32;
    if (j < 8) {
      s[j] |= static_cast<uint8_t>(u & 0x0f);
    } else {
      s[j - 8] |= static_cast<uint8_t>((u & 0x0f) << 4);
    }
    s[8 + j % 4] |= static_cast<uint8_t>((u >> 4) << (2 * (j / 4)));
  }
}

// Rounds to nearest and clamps to [lo, hi]; NaN maps to lo, so that no float-to-int conversion overflows.
inline int RoundClamp(double v, int lo, int hi) {
  if (!(v > lo)) return lo;
  if (v >= hi) return hi;
  return static_cast<int>(std::nearbyint(v));
}

// Half-precision scale that stays finite: out-of-range values saturate at +-65504, NaN becomes 0.
inline uint16_t FiniteHalf(double v) {
  if (std::isnan(v)) return 0;
  const uint16_t h = Fp32ToFp16(static_cast<float>(v));
  if ((h & 0x7c00) == 0x7c00) return static_cast<uint16_t>((h & 0x8000) | 0x7bff);
  return h;
}

}  // namespace hearth::kernels::scalar::kquants

#endif  // HEARTH_KERNELS_SCALAR_K_QUANTS_INTERNAL_H_
