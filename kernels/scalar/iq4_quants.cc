#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels::scalar {

void RegisterIq4Quants(KernelTable& table) {}

}  // namespace hearth::kernels::scalar
