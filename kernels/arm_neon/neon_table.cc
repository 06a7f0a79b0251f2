// The three ARM tables. This file is built for base Armv8 (it only copies tables), so it is safe to run on
// any AArch64 core; the dispatcher checks HWCAP before handing out the dotprod or i8mm table.
#include "kernels/arm_neon/neon_kernels.h"

namespace hearth::kernels {

const KernelTable& NeonKernels() {
  static const KernelTable table = [] {
    KernelTable t = ScalarKernels();
    t.isa = Isa::kNeon;
    neon::RegisterFloatFormats(t);
    neon::RegisterLegacyQuants(t);
    neon::RegisterKQuants(t);
    neon::RegisterFloatOps(t);
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
    return t;
  }();
  return table;
}

// i8mm adds SMMLA, a 2x8 by 8x2 int8 matrix multiply-accumulate (four dot products of 8 per instruction).
// A single-row vec_dot would waste half of each result, so this table keeps the dotprod vec_dots (decode)
// and adds the many-token gemm (prompt processing, kernels/arm_neon/gemm_i8mm.cc): two weight rows against
// two tokens per instruction, for the legacy formats (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, IQ4_NL) and the K
// formats (Q2_K .. Q6_K, IQ4_XS).
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
