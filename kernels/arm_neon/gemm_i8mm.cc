// SMMLA many-token gemm (being written).
#include "kernels/arm_neon/neon_kernels.h"

namespace hearth::kernels::neon_i8mm {

void RegisterGemm(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::neon_i8mm
