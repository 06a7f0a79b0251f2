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

// Interleaves `k` (a multiple of 32) unpacked quants (k order, `row_stride` apart) of 8 rows into k / 4
// steps of 32 bytes, as InterleaveChunk8.
inline void Interleave(const uint8_t* q, int row_stride, int k, uint8_t* out) {
  for (int c = 0; c < k / 32; ++c) InterleaveChunk8(q + 32 * c, row_stride, out + c * 8 * kStep);
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
