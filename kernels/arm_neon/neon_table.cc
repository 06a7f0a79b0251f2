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

// i8mm adds SMMLA, a 2x8 by 8x2 int8 matrix multiply-accumulate. Its gain comes from pairing two weight
// rows with two activation rows (four dot products per instruction); the table's vec_dot computes one row
// against one activation row, where SMMLA would waste half of each result and SDOT is at least as fast.
// Until the matmul driver has a two-row kernel slot, this table is the dotprod table under its own name:
// nothing in it is i8mm-specific. It exists so that dispatch, HEARTH_ISA=neon-i8mm and the tests already
// cover the level (and its -march flags) that such a kernel will live in.
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
