#include "kernels/kernel_table.h"
#include "kernels/ops/float_ops.h"
#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels {

std::string_view IsaName(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kNeon: return "neon";
    case Isa::kNeonDotprod: return "neon-dotprod";
    case Isa::kNeonI8mm: return "neon-i8mm";
  }
  return "unknown";
}

const KernelTable& ScalarKernels() {
  static const KernelTable table = [] {
    KernelTable t;
    t.isa = Isa::kScalar;
    scalar::RegisterFloatFormats(t);
    scalar::RegisterLegacyQuants(t);
    scalar::RegisterKQuants(t);
    scalar::RegisterIq4Quants(t);
    RegisterScalarFloatOps(t);
    return t;
  }();
  return table;
}

}  // namespace hearth::kernels
