#include "kernels/x86_avx512/avx512_kernels.h"

namespace hearth::kernels {

const KernelTable& Avx512Kernels() {
  static const KernelTable table = [] {
    KernelTable t = ScalarKernels();
    t.isa = Isa::kAvx512;
    avx512::RegisterFloatFormats(t);
    avx512::RegisterLegacyQuants(t);
    avx512::RegisterKQuants(t);
    avx512::RegisterGemmKQuants(t);
    avx512::RegisterGemmLegacy(t);
    avx512::RegisterGemmLowBit(t);
    avx512::RegisterGemmFloat(t);
    avx512::RegisterInterleavedLegacy(t);
    avx512::RegisterInterleavedKQuants(t);
    avx512::RegisterFloatOps(t);
    return t;
  }();
  return table;
}

}  // namespace hearth::kernels
