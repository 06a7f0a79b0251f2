// AVX2 many-token matmul for F16 and BF16 (driver, packing and blocking in x86_common/gemm_float.inc):
// tiles of 16 rows (two ymm) x up to 6 tokens, 12 f32 accumulators plus two panel vectors and one
// broadcast: all 16 registers, no spills; per k two panel loads and one broadcast per token feed 2 FMAs.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/x86_avx2/avx2_kernels.h"
#include "kernels/x86_avx2/avx2_util.h"

namespace hearth::kernels::avx2 {
namespace {

constexpr int kFloatPanel = 16;
constexpr int kFloatTile = 6;

#include "kernels/x86_common/gemm_float.inc"

// Stores (or adds) rows [0, rows) of one token's two row vectors. Out of line and called from a fully
// unrolled loop: otherwise GCC keeps the tile's accumulators in memory throughout the k loop.
[[gnu::noinline]] void StoreTokenRows(float* yt, __m256 v0, __m256 v1, int rows, bool accumulate) {
  if (rows == kFloatPanel) {
    if (accumulate) {
      v0 = _mm256_add_ps(v0, _mm256_loadu_ps(yt));
      v1 = _mm256_add_ps(v1, _mm256_loadu_ps(yt + 8));
    }
    _mm256_storeu_ps(yt, v0);
    _mm256_storeu_ps(yt + 8, v1);
    return;
  }
  alignas(32) float tmp[kFloatPanel];
  _mm256_store_ps(tmp, v0);
  _mm256_store_ps(tmp + 8, v1);
  for (int r = 0; r < rows; ++r) yt[r] = accumulate ? yt[r] + tmp[r] : tmp[r];
}

template <int T>
void Tile(const float* panel, int64_t kc, const float* a, int64_t a_stride, float* y, int64_t y_stride, int rows,
          bool accumulate) {
  __m256 c0[T], c1[T];
  for (int t = 0; t < T; ++t) {
    c0[t] = _mm256_setzero_ps();
    c1[t] = _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < kc; ++k) {
    const __m256 w0 = _mm256_load_ps(panel + k * kFloatPanel);
    const __m256 w1 = _mm256_load_ps(panel + k * kFloatPanel + 8);
    for (int t = 0; t < T; ++t) {
      const __m256 b = _mm256_broadcast_ss(a + t * a_stride + k);
      c0[t] = _mm256_fmadd_ps(w0, b, c0[t]);
      c1[t] = _mm256_fmadd_ps(w1, b, c1[t]);
    }
  }
#pragma GCC unroll 16
  for (int t = 0; t < T; ++t) StoreTokenRows(y + t * y_stride, c0[t], c1[t], rows, accumulate);
}

FloatTileFn FloatTile(int t, int /*rows*/) {
  static_assert(kFloatTile == 6);
  switch (t) {
    case 1: return Tile<1>;
    case 2: return Tile<2>;
    case 3: return Tile<3>;
    case 4: return Tile<4>;
    case 5: return Tile<5>;
    default: return Tile<6>;
  }
}

}  // namespace

void RegisterGemmFloat(KernelTable& table) {
  table.format(GgmlType::kF16).gemm = GemmFloat<F16Loader>;
  table.format(GgmlType::kBF16).gemm = GemmFloat<Bf16Loader>;
}

}  // namespace hearth::kernels::avx2
