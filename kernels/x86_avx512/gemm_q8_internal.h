// Private to the AVX-512 gemm files (gemm_q8*.cc): panel scratch, the interleaved weight layout and the
// panel x token-tile loop. Include only from files compiled with the AVX-512 flags.
#ifndef HEARTH_KERNELS_X86_AVX512_GEMM_Q8_INTERNAL_H_
#define HEARTH_KERNELS_X86_AVX512_GEMM_Q8_INTERNAL_H_

#include "kernels/x86_avx512/avx512_util.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace hearth::kernels::avx512::gemm {

inline constexpr int kPanel = 16;       // Weight rows per panel: one int32 lane each.
inline constexpr int kMaxTile = 8;      // Tokens per micro-kernel call (accumulator registers).
inline constexpr int kPanelAlign = 64;  // One zmm.

#include "kernels/x86_common/gemm_panels.inc"

inline __mmask16 RowMask(int rows) { return static_cast<__mmask16>((1u << rows) - 1u); }

// Interleaves `k` (a multiple of 32) unpacked quants (k order, `row_stride` apart) of 16 rows into k / 4
// steps of 64 bytes: step s holds row r's quants 4s..4s+3 at bytes 4r..4r+3 (rows 0..7 and 8..15 as two
// 8 x 8 transposes).
inline void Interleave(const uint8_t* q, int row_stride, int k, uint8_t* out) {
  for (int c = 0; c < k / 32; ++c) {
    for (int h = 0; h < 2; ++h) {
      InterleaveChunk8(q + 8 * h * row_stride + 32 * c, row_stride, out + c * 8 * kStep + 32 * h);
    }
  }
}

}  // namespace hearth::kernels::avx512::gemm

#endif  // HEARTH_KERNELS_X86_AVX512_GEMM_Q8_INTERNAL_H_
