// AVX-512 many-token matmul for F16 and BF16 (driver, packing and blocking in x86_common/gemm_float.inc):
// tiles of 32 rows (two zmm) x up to 12 tokens, 24 f32 accumulators; per k two panel loads and one
// broadcast per token feed 2 FMAs each (16 rows x 16 tokens ran ~20% slower: one broadcast per FMA). No bf16 instructions: the table only guarantees F/BW/VL/DQ/VNNI.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/x86_avx512/avx512_kernels.h"
#include "kernels/x86_avx512/avx512_util.h"

namespace hearth::kernels::avx512 {
namespace {

constexpr int kFloatPanel = 32;
constexpr int kFloatTile = 12;

#include "kernels/x86_common/gemm_float.inc"

inline __mmask16 Mask(int rows) {
  return rows >= 16 ? __mmask16{0xffff} : static_cast<__mmask16>((1u << std::max(rows, 0)) - 1u);
}

// kHalf: at most 16 rows, only the panel's first zmm (the forward pass often hands threads 16 rows).
template <int T, bool kHalf>
void Tile(const float* panel, int64_t kc, const float* a, int64_t a_stride, float* y, int64_t y_stride, int rows,
          bool accumulate) {
  __m512 c0[T], c1[T];
  for (int t = 0; t < T; ++t) c0[t] = c1[t] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    const __m512 w0 = _mm512_load_ps(panel + k * kFloatPanel);
    const __m512 w1 = kHalf ? w0 : _mm512_load_ps(panel + k * kFloatPanel + 16);
    for (int t = 0; t < T; ++t) {
      const __m512 b = _mm512_set1_ps(a[t * a_stride + k]);
      c0[t] = _mm512_fmadd_ps(w0, b, c0[t]);
      if constexpr (!kHalf) c1[t] = _mm512_fmadd_ps(w1, b, c1[t]);
    }
  }
  const __mmask16 m0 = Mask(rows);
  const __mmask16 m1 = Mask(rows - 16);
#pragma GCC unroll 16
  for (int t = 0; t < T; ++t) {
    float* yt = y + t * y_stride;
    if (accumulate) c0[t] = _mm512_add_ps(c0[t], _mm512_maskz_loadu_ps(m0, yt));
    _mm512_mask_storeu_ps(yt, m0, c0[t]);
    if constexpr (!kHalf) {
      if (accumulate) c1[t] = _mm512_add_ps(c1[t], _mm512_maskz_loadu_ps(m1, yt + 16));
      _mm512_mask_storeu_ps(yt + 16, m1, c1[t]);
    }
  }
}

template <bool kHalf>
FloatTileFn TileFor(int t) {
  static_assert(kFloatTile == 12);
  switch (t) {
    case 1: return Tile<1, kHalf>;
    case 2: return Tile<2, kHalf>;
    case 3: return Tile<3, kHalf>;
    case 4: return Tile<4, kHalf>;
    case 5: return Tile<5, kHalf>;
    case 6: return Tile<6, kHalf>;
    case 7: return Tile<7, kHalf>;
    case 8: return Tile<8, kHalf>;
    case 9: return Tile<9, kHalf>;
    case 10: return Tile<10, kHalf>;
    case 11: return Tile<11, kHalf>;
    default: return Tile<12, kHalf>;
  }
}

FloatTileFn FloatTile(int tokens, int rows) { return rows <= 16 ? TileFor<true>(tokens) : TileFor<false>(tokens); }

}  // namespace

void RegisterGemmFloat(KernelTable& table) {
  table.format(GgmlType::kF16).gemm = GemmFloat<F16Loader>;
  table.format(GgmlType::kBF16).gemm = GemmFloat<Bf16Loader>;
}

}  // namespace hearth::kernels::avx512
