// NEON float ops of the forward pass (being written).
#include "kernels/arm_neon/neon_kernels.h"

namespace hearth::kernels::neon {

void RegisterFloatOps(KernelTable& /*table*/) {}

}  // namespace hearth::kernels::neon
