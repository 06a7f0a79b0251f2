// Many-token gemm for the base Armv8 neon table (no SDOT): SMULL + SADALP, the same products as the base
// vec_dot's DotS8, but with weights unpacked once per panel and reused across tokens. Built for base
// Armv8. The panel, metadata and scale steps are gemm_panel.inc's; this file is the integer inner loop.
//
// Layout: a 16-element piece of 4 rows is stored as 4 vectors, one per row (the unpacked form), and a token
// quad as 4 vectors, one per token (the Q8 quants, copied to drop the block headers). Base Armv8 has no
// 8-bit multiply by element, so each (row, token) pair needs its own products: per piece, 4 weight and 4
// activation loads feed 16 pairs x (SMULL + SMULL2 + 2 SADALP) into 16 accumulators (4 rows x 4 tokens,
// kQuads = 1: 16 accumulators + 8 operands + product temporaries nearly fill the 32 registers). At the
// end of a group or block, 3 ADDP per token turn the 4 row accumulators into one vector with rows in
// lanes, and gemm_panel.inc takes over.
//
// Why this beats per-token vec_dot on base NEON, in instruction counts per (row, token) per 16 elements
// (Arm's Cortex-A72 / Neoverse N1 optimization guides: SMULL issues on one vector pipe, SADALP on the
// other; Cortex-A53 is in-order, where the instruction count is what matters):
//   vec_dot: 4 (SMULL, SMULL2, 2 SADALP) + 1 activation load + 1..3 unpacking the weights + per block or
//     group the fp16 scale conversions, scaling, and for K formats an MLA and the scalar decoding of 16
//     scales and mins per super-block: about 8..11.
//   gemm: the same 4 + 0.5 loads + 0.75 ADDP and 0.25 MLA or FMLA per group: about 5.5, with the weight
//     unpacking and scale decoding amortized over the chunk's tokens.
// The multiply pipe sees 2 SMULL per 16 elements in both, so the gain (about 1.5x in principle) comes
// from the other pipe and the front end; every format family gets it, so none is left to vec_dot.
// An int16 alternative (weights pre-scaled by their K group scale, SMLAL by element: rows in lanes and no
// reductions) does 4 multiply-adds per multiply-pipe instruction where SMULL does 8, so it would be bound
// at 4 SMLAL per 16 elements on that pipe, no better than vec_dot there. Not measured (no ARM hardware).
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

namespace hearth::kernels::neon {
namespace {

#include "kernels/arm_neon/gemm_common.inc"
#include "kernels/arm_neon/gemm_formats.inc"
#include "kernels/arm_neon/gemm_panel.inc"

using neon_util::DotS8;  // SMULL + SMULL2 + 2 SADALP here (this file has no dotprod).

// DotS8 into a fresh accumulator: SADDLP starts it, so no zeroing moves (16 per group of 16 elements in
// a 4 x 4 block, a fifth of its instructions, otherwise).
inline int32x4_t DotS8First(int8x16_t a, int8x16_t b) {
  return vpadalq_s16(vpaddlq_s16(vmull_s8(vget_low_s8(a), vget_low_s8(b))), vmull_high_s8(a, b));
}

struct SmullLevel {
  static constexpr int kQuads = 1;

  static void Interleave(const int8x16_t x[4], int8x16_t* out) {
    for (int i = 0; i < 4; ++i) out[i] = x[i];
  }

  template <int kQ, int kPieces>
  static void Dot(const int8x16_t* w, const int8x16_t* const a[kQ], int32x4_t s[kQ][4]) {
    static_assert(kQ == 1, "one quad per register block");
    int32x4_t acc[4][4];
    for (int i = 0; i < kPieces; ++i) {
      const int8x16_t* wp = w + 4 * i;
      const int8x16_t* ap = a[0] + 4 * i;
      const int8x16_t x[4] = {ap[0], ap[1], ap[2], ap[3]};
      for (int r = 0; r < 4; ++r) {
        const int8x16_t wr = wp[r];
        for (int t = 0; t < 4; ++t) acc[r][t] = i == 0 ? DotS8First(wr, x[t]) : DotS8(acc[r][t], wr, x[t]);
      }
    }
    // [sum acc[0][t], sum acc[1][t], sum acc[2][t], sum acc[3][t]]: rows in lanes.
    for (int t = 0; t < 4; ++t) {
      s[0][t] = vpaddq_s32(vpaddq_s32(acc[0][t], acc[1][t]), vpaddq_s32(acc[2][t], acc[3][t]));
    }
  }
};

}  // namespace

void RegisterGemm(KernelTable& table) { RegisterPanelGemm<SmullLevel>(table); }

}  // namespace hearth::kernels::neon
