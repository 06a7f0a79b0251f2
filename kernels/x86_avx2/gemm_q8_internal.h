// Private to the AVX2 gemm files (gemm_q8*.cc): panel scratch, the interleaved weight layout and the
// panel x token-tile loop. Include only from files compiled with the AVX2 flags.
#ifndef HEARTH_KERNELS_X86_AVX2_GEMM_Q8_INTERNAL_H_
#define HEARTH_KERNELS_X86_AVX2_GEMM_Q8_INTERNAL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/x86_avx2/avx2_util.h"

namespace hearth::kernels::avx2::gemm {

inline constexpr int kPanel = 8;        // Weight rows per panel: one int32 lane of a ymm each.
inline constexpr int kMaxTile = 4;      // Tokens per micro-kernel call (2 accumulators + 1 float sum each).
inline constexpr int kPanelAlign = 32;  // One ymm.

#include "kernels/x86_common/gemm_panels.inc"

// Broadcasts 4 activation bytes to every int32 lane (a load-port broadcast).
inline __m256i Bcast4(const uint8_t* p) { return _mm256_set1_epi32(Load4(p)); }

// Writes 8 rows of 32 quants (row r in v[r], k order) as 8 steps of 32 bytes: step s holds row r's quants
// 4s..4s+3 at bytes 4r..4r+3 (an 8 x 8 transpose of int32 lanes).
inline void InterleaveChunk(const __m256i v[kPanel], uint8_t* out) {
  __m256i a[8], b[8];
  for (int i = 0; i < 8; i += 2) {
    a[i] = _mm256_unpacklo_epi32(v[i], v[i + 1]);  // r_i s0, r_i+1 s0, r_i s1, r_i+1 s1 | s4, s5
    a[i + 1] = _mm256_unpackhi_epi32(v[i], v[i + 1]);  // s2, s3 | s6, s7
  }
  for (int i = 0; i < 8; i += 4) {
    b[i] = _mm256_unpacklo_epi64(a[i], a[i + 2]);      // rows i..i+3, step 0 | step 4
    b[i + 1] = _mm256_unpackhi_epi64(a[i], a[i + 2]);  // step 1 | step 5
    b[i + 2] = _mm256_unpacklo_epi64(a[i + 1], a[i + 3]);  // step 2 | step 6
    b[i + 3] = _mm256_unpackhi_epi64(a[i + 1], a[i + 3]);  // step 3 | step 7
  }
  for (int s = 0; s < 4; ++s) {
    // b[s] holds rows 0..3, b[4 + s] rows 4..7; low lanes are step s, high lanes step s + 4.
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + s * kStep),
                       _mm256_permute2x128_si256(b[s], b[4 + s], 0x20));
    _mm256_store_si256(reinterpret_cast<__m256i*>(out + (s + 4) * kStep),
                       _mm256_permute2x128_si256(b[s], b[4 + s], 0x31));
  }
}

// Interleaves `k` (a multiple of 32) unpacked quants (k order, `row_stride` apart) of 8 rows into k / 4
// steps of 32 bytes, as InterleaveChunk. `out` is 32-byte aligned.
inline void Interleave(const uint8_t* q, int row_stride, int k, uint8_t* out) {
  for (int c = 0; c < k / 32; ++c) {
    __m256i v[kPanel];
    for (int r = 0; r < kPanel; ++r) {
      v[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + r * row_stride + 32 * c));
    }
    InterleaveChunk(v, out + c * 8 * kStep);
  }
}

// Stores the first `rows` lanes of v (all 8 with a full panel).
inline void StoreRows(float* y, __m256 v, int rows) {
  if (rows == kPanel) {
    _mm256_storeu_ps(y, v);
    return;
  }
  alignas(32) float tmp[kPanel];
  _mm256_store_ps(tmp, v);
  std::memcpy(y, tmp, static_cast<size_t>(rows) * sizeof(float));
}

}  // namespace hearth::kernels::avx2::gemm

#endif  // HEARTH_KERNELS_X86_AVX2_GEMM_Q8_INTERNAL_H_
