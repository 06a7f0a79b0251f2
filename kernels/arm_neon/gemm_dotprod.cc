// Many-token gemm with SDOT by element, for the neon-dotprod table (neon-i8mm replaces it with SMMLA).
// Built with -march=armv8.2-a+dotprod; only reached after the dispatcher has seen HWCAP_ASIMDDP. The
// panel, metadata and scale steps are gemm_panel.inc's; this file is the integer inner loop.
//
// Layout: a 16-element piece of 4 rows is stored as 4 vectors, vector k = [r0 e4k..4k+3, r1 e4k..4k+3,
// r2 .., r3 ..] (a 4x4 transpose of 32-bit lanes); a token quad is stored the same way, tokens for rows.
// SDOT by element (vdotq_laneq_s32(acc, w, a, j)) dots each row's 4 bytes of w with token j's 4 bytes of
// a, so one weight vector meets 4 tokens in 4 instructions, with rows in the accumulator lanes: no
// horizontal adds, and no weight unpacking per token (vec_dot unpacks every block once per token).
//
// Register block 4 rows x 8 tokens (kQuads = 2): per 4 elements, 1 weight + 2 activation loads feed 8
// SDOT into 8 independent accumulators (SDOT has a latency of a few cycles and issues up to twice per
// cycle on Cortex-A76 / Neoverse N1 class cores, so several chains must be in flight). The K formats
// keep 8 group sums, 8 integer super-block sums and 8 float sums, plus the weight, activation and scale
// vectors: 28 of the 32 vector registers; 8 x 8 would need 48. Legacy blocks need 16 (sums and float
// sums). A 4-row panel of int8 is as small as the i8mm one (n bytes per row). Not measured (no ARM
// hardware here).
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/arm_neon/neon_kernels.h"
#include "kernels/arm_neon/neon_util.h"
#include "kernels/formats/block_layouts.h"
#include "kernels/formats/k_scales.h"

namespace hearth::kernels::neon_dotprod {
namespace {

#include "kernels/arm_neon/gemm_common.inc"
#include "kernels/arm_neon/gemm_formats.inc"
#include "kernels/arm_neon/gemm_panel.inc"

// acc[j] lane i += row i . token j over 4 bytes.
inline void DotQuad(int32x4_t acc[4], int8x16_t w, int8x16_t a) {
  acc[0] = vdotq_laneq_s32(acc[0], w, a, 0);
  acc[1] = vdotq_laneq_s32(acc[1], w, a, 1);
  acc[2] = vdotq_laneq_s32(acc[2], w, a, 2);
  acc[3] = vdotq_laneq_s32(acc[3], w, a, 3);
}

struct SdotLevel {
  static constexpr int kQuads = 2;

  // Vector k of the piece = 32-bit lane k of each source (a 4x4 transpose: two TRN, two ZIP pairs).
  static void Interleave(const int8x16_t x[4], int8x16_t* out) {
    const int32x4_t t0 = vtrn1q_s32(vreinterpretq_s32_s8(x[0]), vreinterpretq_s32_s8(x[1]));
    const int32x4_t t1 = vtrn2q_s32(vreinterpretq_s32_s8(x[0]), vreinterpretq_s32_s8(x[1]));
    const int32x4_t t2 = vtrn1q_s32(vreinterpretq_s32_s8(x[2]), vreinterpretq_s32_s8(x[3]));
    const int32x4_t t3 = vtrn2q_s32(vreinterpretq_s32_s8(x[2]), vreinterpretq_s32_s8(x[3]));
    out[0] = vreinterpretq_s8_s64(vzip1q_s64(vreinterpretq_s64_s32(t0), vreinterpretq_s64_s32(t2)));
    out[1] = vreinterpretq_s8_s64(vzip1q_s64(vreinterpretq_s64_s32(t1), vreinterpretq_s64_s32(t3)));
    out[2] = vreinterpretq_s8_s64(vzip2q_s64(vreinterpretq_s64_s32(t0), vreinterpretq_s64_s32(t2)));
    out[3] = vreinterpretq_s8_s64(vzip2q_s64(vreinterpretq_s64_s32(t1), vreinterpretq_s64_s32(t3)));
  }

  template <int kQ, int kPieces>
  static void Dot(const int8x16_t* w, const int8x16_t* const a[kQ], int32x4_t s[kQ][4]) {
    for (int q = 0; q < kQ; ++q) {
      for (int j = 0; j < 4; ++j) s[q][j] = vdupq_n_s32(0);
    }
    for (int v = 0; v < 4 * kPieces; ++v) {
      const int8x16_t wv = w[v];
      for (int q = 0; q < kQ; ++q) DotQuad(s[q], wv, a[q][v]);
    }
  }
};

}  // namespace

void RegisterGemm(KernelTable& table) { RegisterPanelGemm<SdotLevel>(table); }

}  // namespace hearth::kernels::neon_dotprod
