// The three ARM tables. This file is built for base Armv8 (it only copies tables), so it is safe to run on
// any AArch64 core; the dispatcher checks HWCAP before handing out the dotprod or i8mm table.
#include "kernels/arm_neon/neon_kernels.h"

namespace hearth::kernels {

// Every table has a many-token gemm (prompt processing) for the legacy formats (Q4_0, Q4_1, Q5_0, Q5_1,
// Q8_0, IQ4_NL) and the K formats (Q2_K .. Q6_K, IQ4_XS): weights unpacked once per 4-row panel and
// reused across a chunk of tokens. The neon one (kernels/arm_neon/gemm_neon.cc) multiplies with SMULL +
// SADALP like the base vec_dot but without its per-token unpacking, scale decoding and fp16 conversions,
// which is where base NEON gains (about 1.5x fewer instructions in principle, see that file); every
// family gets it. Float formats (F16, BF16, F32) have no NEON gemm in any table: vec_dot is used.
const KernelTable& NeonKernels() {
  static const KernelTable table = [] {
    KernelTable t = ScalarKernels();
    t.isa = Isa::kNeon;
    neon::RegisterFloatFormats(t);
    neon::RegisterLegacyQuants(t);
    neon::RegisterKQuants(t);
    neon::RegisterFloatOps(t);
    neon::RegisterGemm(t);
    return t;
  }();
  return table;
}

const KernelTable& NeonDotprodKernels() {
  static const KernelTable table = [] {
    KernelTable t = NeonKernels();
    t.isa = Isa::kNeonDotprod;
    neon_dotprod::RegisterLegacyQuants(t);
    neon_dotprod::RegisterKQuants(t);
    // SDOT by element: 4 rows x 8 tokens per register block (kernels/arm_neon/gemm_dotprod.cc).
    neon_dotprod::RegisterGemm(t);
    return t;
  }();
  return table;
}

// i8mm adds SMMLA, a 2x8 by 8x2 int8 matrix multiply-accumulate (four dot products of 8 per instruction).
// A single-row vec_dot would waste half of each result, so this table keeps the dotprod vec_dots (decode)
// and replaces the dotprod gemm (prompt processing) with the SMMLA one (kernels/arm_neon/gemm_i8mm.cc):
// two weight rows against two tokens per instruction, for the same formats.
const KernelTable& NeonI8mmKernels() {
  static const KernelTable table = [] {
    KernelTable t = NeonDotprodKernels();
    t.isa = Isa::kNeonI8mm;
    neon_i8mm::RegisterGemm(t);
    return t;
  }();
  return table;
}

}  // namespace hearth::kernels
