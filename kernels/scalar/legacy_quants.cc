#include "kernels/scalar/scalar_kernels.h"

namespace hearth::kernels::scalar {

void RegisterLegacyQuants(KernelTable& table) {}

}  // namespace hearth::kernels::scalar
