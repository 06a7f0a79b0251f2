#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels::scalar {

void RegisterKQuants(KernelTable& table) {}

}  // namespace hearth::kernels::scalar
