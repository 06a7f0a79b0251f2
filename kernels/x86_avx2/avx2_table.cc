#include "kernels/x86_avx2/avx2_kernels.h"

namespace hearth::kernels {

const KernelTable& Avx2Kernels() {
  static const KernelTable table = [] {
    KernelTable t = ScalarKernels();
    t.isa = Isa::kAvx2;
    avx2::RegisterFloatFormats(t);
    avx2::RegisterLegacyQuants(t);
    avx2::RegisterKQuants(t);
    avx2::RegisterGemmKQuants(t);
    avx2::RegisterGemmLegacy(t);
    avx2::RegisterGemmLowBit(t);
    avx2::RegisterGemmFloat(t);
    avx2::RegisterInterleavedLegacy(t);
    avx2::RegisterInterleavedKQuants(t);
    avx2::RegisterFloatOps(t);
    return t;
  }();
  return table;
}

}  // namespace hearth::kernels
