// Dequantization of the K formats. Each value is computed with the same float32 operations, in the same
// order, as gguf-py's reference (gguf.quants): first the sub-block scale d * sc (and min dmin * m) is
// rounded to float, then multiplied by the quant, then the min is subtracted. This makes the results
// bit-exact (the scalar build does not contract these into fused multiply-adds).
#include "kernels/scalar/k_quants_internal.h"

namespace hearth::kernels::scalar::kquants {

void DequantizeQ2K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ2_K*>(src);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ2_K& blk = blocks[b];
    const float d = Fp16ToFp32(blk.d);
    const float dmin = Fp16ToFp32(blk.dmin);
    float* y = dst + b * kQKK;
    for (int j = 0; j < 16; ++j) {
      const float dl = d * static_cast<float>(blk.scales[j] & 0x0f);
      const float ml = dmin * static_cast<float>(blk.scales[j] >> 4);
      for (int i = j * 16; i < j * 16 + 16; ++i) {
        const int q = (blk.qs[(i / 128) * 32 + i % 32] >> (2 * ((i % 128) / 32))) & 3;
        const float v = dl * static_cast<float>(q);
        y[i] = v - ml;
      }
    }
  }
}

void DequantizeQ3K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ3_K*>(src);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ3_K& blk = blocks[b];
    const float d = Fp16ToFp32(blk.d);
    float* y = dst + b * kQKK;
    for (int j = 0; j < 16; ++j) {
      const float dl = d * static_cast<float>(GetScaleQ3K(blk.scales, j));
      for (int i = j * 16; i < j * 16 + 16; ++i) {
        const int low = (blk.qs[(i / 128) * 32 + i % 32] >> (2 * ((i % 128) / 32))) & 3;
        const int high = (blk.hmask[i % 32] >> (i / 32)) & 1;
        y[i] = dl * static_cast<float>(low - (high ? 0 : 4));
      }
    }
  }
}

void DequantizeQ4K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ4_K*>(src);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ4_K& blk = blocks[b];
    const float d = Fp16ToFp32(blk.d);
    const float dmin = Fp16ToFp32(blk.dmin);
    float* y = dst + b * kQKK;
    for (int j = 0; j < 8; ++j) {
      int sc, m;
      GetScaleMinK4(blk.scales, j, &sc, &m);
      const float dl = d * static_cast<float>(sc);
      const float ml = dmin * static_cast<float>(m);
      for (int i = j * 32; i < j * 32 + 32; ++i) {
        const int q = (blk.qs[(i / 64) * 32 + i % 32] >> (4 * ((i % 64) / 32))) & 0x0f;
        const float v = dl * static_cast<float>(q);
        y[i] = v - ml;
      }
    }
  }
}

void DequantizeQ5K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ5_K*>(src);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ5_K& blk = blocks[b];
    const float d = Fp16ToFp32(blk.d);
    const float dmin = Fp16ToFp32(blk.dmin);
    float* y = dst + b * kQKK;
    for (int j = 0; j < 8; ++j) {
      int sc, m;
      GetScaleMinK4(blk.scales, j, &sc, &m);
      const float dl = d * static_cast<float>(sc);
      const float ml = dmin * static_cast<float>(m);
      for (int i = j * 32; i < j * 32 + 32; ++i) {
        const int low = (blk.qs[(i / 64) * 32 + i % 32] >> (4 * ((i % 64) / 32))) & 0x0f;
        const int high = (blk.qh[i % 32] >> (i / 32)) & 1;
        const float v = dl * static_cast<float>(low | (high << 4));
        y[i] = v - ml;
      }
    }
  }
}

void DequantizeQ6K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ6_K*>(src);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    const BlockQ6_K& blk = blocks[b];
    const float d = Fp16ToFp32(blk.d);
    float* y = dst + b * kQKK;
    for (int j = 0; j < 16; ++j) {
      const float dl = d * static_cast<float>(blk.scales[j]);
      for (int i = j * 16; i < j * 16 + 16; ++i) {
        const int r = i % 128;
        const int low = (blk.ql[(i / 128) * 64 + r % 64] >> (4 * (r / 64))) & 0x0f;
        const int high = (blk.qh[(i / 128) * 32 + r % 32] >> (2 * (r / 32))) & 3;
        y[i] = dl * static_cast<float>((low | (high << 4)) - 32);
      }
    }
  }
}

void DequantizeQ8K(const void* src, float* dst, int64_t n) {
  const auto* blocks = static_cast<const BlockQ8_K*>(src);
  for (int64_t b = 0; b < n / kQKK; ++b) {
    for (int i = 0; i < kQKK; ++i) dst[b * kQKK + i] = blocks[b].d * static_cast<float>(blocks[b].qs[i]);
  }
}

}  // namespace hearth::kernels::scalar::kquants
