#include "kernels/backends.h"

namespace hearth::kernels {

// Each SIMD backend folder defines HEARTH_KERNELS_<ISA> when it is compiled for this target and provides a
// function returning its table, built from a copy of the scalar table so that missing entries fall back.
#ifdef HEARTH_KERNELS_AVX2
const KernelTable& Avx2Kernels();
#endif
#ifdef HEARTH_KERNELS_AVX512
const KernelTable& Avx512Kernels();
#endif
#ifdef HEARTH_KERNELS_NEON
const KernelTable& NeonKernels();
const KernelTable& NeonDotprodKernels();
const KernelTable& NeonI8mmKernels();
#endif

const KernelTable* CompiledKernels(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return &ScalarKernels();
#ifdef HEARTH_KERNELS_AVX2
    case Isa::kAvx2: return &Avx2Kernels();
#endif
#ifdef HEARTH_KERNELS_AVX512
    case Isa::kAvx512: return &Avx512Kernels();
#endif
#ifdef HEARTH_KERNELS_NEON
    case Isa::kNeon: return &NeonKernels();
    case Isa::kNeonDotprod: return &NeonDotprodKernels();
    case Isa::kNeonI8mm: return &NeonI8mmKernels();
#endif
    default: return nullptr;
  }
}

}  // namespace hearth::kernels
